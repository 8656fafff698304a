"""scheduling: booking load index; the database refuses visits the schedule could never produce

An index covering the site's daily load of one kind (HAIC capacity, read on every booking),
status and kind from the fixed vocabularies, and a window that is not inverted.

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


LOAD_INDEX = "ix_visits_site_kind_day"


def upgrade():
    with op.batch_alter_table("visits") as batch:
        batch.create_index(LOAD_INDEX, ["site_id", "kind", "scheduled_date", "status"])
        for name, condition in VISIT_CHECKS.items():
            batch.create_check_constraint(name, condition)


def downgrade():
    with op.batch_alter_table("visits") as batch:
        for name in reversed(list(VISIT_CHECKS)):
            batch.drop_constraint(op.f(f"ck_visits_{name}"), type_="check")
        batch.drop_index(LOAD_INDEX)
