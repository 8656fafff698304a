"""seams: outbox rows remember their SMS template; job_runs (last run per job, scheduler
heartbeat); CHECK constraints on the status of messages, symptom reports and alerts

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The vocabularies as they are in app/common/statuses.py at this revision (a migration never
# imports the app: later changes to the enums get migrations of their own).
STATUSES = {
    "messages": ("queued", "sending", "sent", "delivered", "undelivered", "failed", "cancelled", "received"),
    "symptom_reports": ("awaiting_answer", "complete"),
    "alerts": ("open", "acknowledged"),
}


def _check(values):
    return "status IN ({})".format(", ".join(repr(value) for value in values))


def upgrade():
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("template_params", sa.JSON(), nullable=True))
    for table, values in STATUSES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint("status", _check(values))
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=12), nullable=True),
        sa.Column("last_summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade():
    op.drop_table("job_runs")
    for table in STATUSES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("template_params")
        batch_op.drop_column("template_name")
