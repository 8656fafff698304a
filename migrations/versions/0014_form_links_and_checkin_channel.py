"""form links (the web symptom form, /r/{token}) and checkin_channel on sites and patients

Revision ID: 0014
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_nonce', sa.String(length=32), nullable=True),
    sa.Column('last_report_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_form_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['last_report_id'], ['symptom_reports.id'], name=op.f('fk_form_links_last_report_id_symptom_reports')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_form_links_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_links')),
    sa.UniqueConstraint('token', name=op.f('uq_form_links_token'))
    )
    with op.batch_alter_table('form_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_links_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_links_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_channel', sa.String(length=8), nullable=True))

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_channel', sa.String(length=8), server_default='sms', nullable=False))



def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('checkin_channel')

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('checkin_channel')

    with op.batch_alter_table('form_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_links_updated_at'))
        batch_op.drop_index(batch_op.f('ix_form_links_patient_id'))

    op.drop_table('form_links')
