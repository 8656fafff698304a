"""scheduling: the database refuses visits the schedule could never produce

Status and kind from the fixed vocabularies, and a window that is not inverted.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VISIT_CHECKS = {
    "status": "status IN ('scheduled', 'completed', 'missed', 'cancelled')",
    "kind": "kind IN ('haic', 'sintilimab', 'labs', 'imaging', 'safety_follow_up', "
            "'survival_follow_up')",
    "window": "window_start <= window_end",
}


def upgrade():
    with op.batch_alter_table("visits") as batch:
        for name, condition in VISIT_CHECKS.items():
            batch.create_check_constraint(name, condition)


def downgrade():
    with op.batch_alter_table("visits") as batch:
        for name in reversed(list(VISIT_CHECKS)):
            batch.drop_constraint(op.f(f"ck_visits_{name}"), type_="check")
