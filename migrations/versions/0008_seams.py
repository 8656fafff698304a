"""seams: outbox rows remember their SMS template; job_runs (last run per job, scheduler heartbeat)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("template_params", sa.JSON(), nullable=True))
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
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("template_params")
        batch_op.drop_column("template_name")
