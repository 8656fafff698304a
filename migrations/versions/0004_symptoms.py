"""symptoms: the official CTCAE v5.0 term table (`flask ctcae import`); measured grade of symptom items

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ctcae_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.Column("meddra_code", sa.String(length=8), nullable=False),
        sa.Column("soc", sa.String(length=120), nullable=False),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("ctcae_version", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ctcae_terms")),
        sa.UniqueConstraint("meddra_code", name=op.f("uq_ctcae_terms_meddra_code")),
        sa.UniqueConstraint("term", name=op.f("uq_ctcae_terms_term")),
    )
    with op.batch_alter_table("ctcae_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ctcae_terms_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("symptom_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("measured_grade", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("symptom_items", schema=None) as batch_op:
        batch_op.drop_column("measured_grade")
    with op.batch_alter_table("ctcae_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ctcae_terms_updated_at"))
    op.drop_table("ctcae_terms")
