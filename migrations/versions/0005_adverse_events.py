"""adverse events: AEs with their grade history, and nurses' reviews of symptom candidates

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('adverse_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('ctcae_term', sa.String(length=120), nullable=False),
    sa.Column('meddra_code', sa.String(length=8), nullable=False),
    sa.Column('soc', sa.String(length=120), nullable=False),
    sa.Column('ctcae_version', sa.String(length=8), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('onset_date', sa.Date(), nullable=False),
    sa.Column('resolved_date', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('seriousness_criteria', sa.JSON(), nullable=False),
    sa.Column('attribution', sa.JSON(), nullable=False),
    sa.Column('action_taken', sa.JSON(), nullable=False),
    sa.Column('immune_related', sa.Boolean(), nullable=False),
    sa.Column('aesi', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('symptom_report_id', sa.Integer(), nullable=True),
    sa.Column('patient_grade', sa.Integer(), nullable=True),
    sa.Column('aware_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline_alert_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signature_meaning', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('retracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retracted_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_alert_id'], ['alerts.id'], name=op.f('fk_adverse_events_deadline_alert_id_alerts')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_adverse_events_patient_id_patients')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_adverse_events_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_adverse_events_signed_by_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_adverse_events_site_id_sites')),
    sa.ForeignKeyConstraint(['symptom_report_id'], ['symptom_reports.id'], name=op.f('fk_adverse_events_symptom_report_id_symptom_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adverse_events'))
    )
    with op.batch_alter_table('adverse_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adverse_events_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adverse_events_report_due_at'), ['report_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_adverse_events_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adverse_events_updated_at'), ['updated_at'], unique=False)

    op.create_table('adverse_event_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adverse_event_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['adverse_event_id'], ['adverse_events.id'], name=op.f('fk_adverse_event_grades_adverse_event_id_adverse_events')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_adverse_event_grades_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adverse_event_grades'))
    )
    with op.batch_alter_table('adverse_event_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adverse_event_grades_adverse_event_id'), ['adverse_event_id'], unique=False)

    op.create_table('symptom_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('symptom_item_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('adverse_event_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adverse_event_id'], ['adverse_events.id'], name=op.f('fk_symptom_reviews_adverse_event_id_adverse_events')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_symptom_reviews_decided_by_id_users')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_symptom_reviews_patient_id_patients')),
    sa.ForeignKeyConstraint(['symptom_item_id'], ['symptom_items.id'], name=op.f('fk_symptom_reviews_symptom_item_id_symptom_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_symptom_reviews')),
    sa.UniqueConstraint('symptom_item_id', name=op.f('uq_symptom_reviews_symptom_item_id'))
    )
    with op.batch_alter_table('symptom_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_symptom_reviews_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_symptom_reviews_updated_at'), ['updated_at'], unique=False)



def downgrade():
    with op.batch_alter_table('symptom_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_symptom_reviews_updated_at'))
        batch_op.drop_index(batch_op.f('ix_symptom_reviews_patient_id'))

    op.drop_table('symptom_reviews')
    with op.batch_alter_table('adverse_event_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adverse_event_grades_adverse_event_id'))

    op.drop_table('adverse_event_grades')
    with op.batch_alter_table('adverse_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adverse_events_updated_at'))
        batch_op.drop_index(batch_op.f('ix_adverse_events_site_id'))
        batch_op.drop_index(batch_op.f('ix_adverse_events_report_due_at'))
        batch_op.drop_index(batch_op.f('ix_adverse_events_patient_id'))

    op.drop_table('adverse_events')
