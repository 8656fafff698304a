"""endpoints (issue 12): liver response inputs, progression source, "Other, specify" text

Revision ID: 0010
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tumor_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_lesion_sites", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("non_target_liver", sa.String(length=16), nullable=True))
    with op.batch_alter_table("adverse_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_specify", sa.Text(), nullable=True))
    with op.batch_alter_table("patient_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("treatment_beyond_progression", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("patient_events", schema=None) as batch_op:
        batch_op.drop_column("treatment_beyond_progression")
        batch_op.drop_column("source")
    with op.batch_alter_table("adverse_events", schema=None) as batch_op:
        batch_op.drop_column("other_specify")
    with op.batch_alter_table("tumor_assessments", schema=None) as batch_op:
        batch_op.drop_column("non_target_liver")
        batch_op.drop_column("new_lesion_sites")
