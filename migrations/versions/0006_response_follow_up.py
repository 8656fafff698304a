"""response and follow-up: tumour assessments (RECIST) and the follow-up contact log

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _stamps():
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade():
    op.create_table(
        "tumor_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("target_lesions", sa.JSON(), nullable=False),
        sa.Column("non_target", sa.String(length=16), nullable=False),
        sa.Column("new_lesions", sa.Boolean(), nullable=False),
        sa.Column("modality", sa.String(length=16), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_reason", sa.Text(), nullable=True),
        *_stamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_tumor_assessments_patient_id_patients")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_tumor_assessments_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_tumor_assessments_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tumor_assessments")),
    )
    with op.batch_alter_table("tumor_assessments", schema=None) as batch_op:
        batch_op.create_index("ix_tumor_assessments_patient_date", ["patient_id", "date"], unique=False)
        batch_op.create_index(batch_op.f("ix_tumor_assessments_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tumor_assessments_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("contacted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["event_id"], ["patient_events.id"], name=op.f("fk_contact_attempts_event_id_patient_events")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_contact_attempts_patient_id_patients")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_contact_attempts_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_contact_attempts_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_contact_attempts_patient_at", ["patient_id", "contacted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_attempts_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_attempts_updated_at"), ["updated_at"], unique=False)


def downgrade():
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_attempts_updated_at"))
        batch_op.drop_index(batch_op.f("ix_contact_attempts_site_id"))
        batch_op.drop_index("ix_contact_attempts_patient_at")
    op.drop_table("contact_attempts")
    with op.batch_alter_table("tumor_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tumor_assessments_updated_at"))
        batch_op.drop_index(batch_op.f("ix_tumor_assessments_site_id"))
        batch_op.drop_index("ix_tumor_assessments_patient_date")
    op.drop_table("tumor_assessments")
