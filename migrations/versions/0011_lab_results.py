"""lab results, their CTCAE grades and laboratory AE candidates (issue 13)

Revision ID: 0011
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _stamps():
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade():
    op.create_table(
        "lab_collections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visits.id"), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps(),
    )
    op.create_index("ix_lab_collections_patient_id", "lab_collections", ["patient_id"])
    op.create_index("ix_lab_collections_site_id", "lab_collections", ["site_id"])
    op.create_index("ix_lab_collections_updated_at", "lab_collections", ["updated_at"])
    op.create_table(
        "lab_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("collection_id", sa.Integer(), sa.ForeignKey("lab_collections.id"), nullable=False),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("test", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("uln", sa.Float(), nullable=True),
        sa.Column("lln", sa.Float(), nullable=True),
        sa.Column("value_si", sa.Float(), nullable=False),
        sa.Column("unit_si", sa.String(length=20), nullable=False),
        sa.Column("uln_si", sa.Float(), nullable=True),
        sa.Column("lln_si", sa.Float(), nullable=True),
        sa.Column("times_uln", sa.Float(), nullable=True),
        sa.Column("ctcae_term", sa.String(length=120), nullable=True),
        sa.Column("ctcae_version", sa.String(length=8), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("baseline_result_id", sa.Integer(), sa.ForeignKey("lab_results.id"), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_lab_results_collection_id", "lab_results", ["collection_id"])
    op.create_index("ix_lab_results_patient_day", "lab_results", ["patient_id", "collected_on"])
    op.create_index("ix_lab_results_updated_at", "lab_results", ["updated_at"])
    op.create_table(
        "lab_ae_candidates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("lab_result_id", sa.Integer(), sa.ForeignKey("lab_results.id"), nullable=False),
        sa.Column("ctcae_term", sa.String(length=120), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("adverse_event_id", sa.Integer(), sa.ForeignKey("adverse_events.id"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        *_stamps(),
    )
    op.create_index("ix_lab_ae_candidates_patient_id", "lab_ae_candidates", ["patient_id"])
    op.create_index("ix_lab_ae_candidates_lab_result_id", "lab_ae_candidates", ["lab_result_id"])
    op.create_index("ix_lab_ae_candidates_adverse_event_id", "lab_ae_candidates", ["adverse_event_id"])
    op.create_index("ix_lab_ae_candidates_updated_at", "lab_ae_candidates", ["updated_at"])


def downgrade():
    op.drop_table("lab_ae_candidates")
    op.drop_table("lab_results")
    op.drop_table("lab_collections")
