"""hardening (issue 16): login throttles, calendar links, one active patient per phone,
idempotency request hash, audit-trail grants for a separate application role

Revision ID: 0012
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('on_treatment', 'follow_up')"


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("scope", "username", "client", name=op.f("uq_login_throttles_scope_username_client")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttles_client"), ["client"], unique=False)
    op.create_table(
        "calendar_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_calendar_links_created_by_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_calendar_links_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_links_token_hash")),
    )
    with op.batch_alter_table("calendar_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_links_patient_id"), ["patient_id"], unique=False)
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_idempotency_records_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index("uq_patients_active_phone", ["phone"], unique=True,
                              postgresql_where=sa.text(_ACTIVE), sqlite_where=sa.text(_ACTIVE))
    _grant_application_role()


def downgrade():
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index("uq_patients_active_phone")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_created_at"))
        batch_op.drop_column("request_hash")
    with op.batch_alter_table("calendar_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_links_patient_id"))
    op.drop_table("calendar_links")
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_client"))
    op.drop_table("login_throttles")


def application_role():
    """The user name in DATABASE_URL when migrations run as another role (DATABASE_OWNER_URL;
    migrations/env.py passes it on)."""
    from alembic import context

    return context.config.attributes.get("application_role")


def _grant_application_role():
    """PostgreSQL with a separate application role (DATABASE_OWNER_URL runs migrations,
    DATABASE_URL's user is the application): the app may read and write the tables but
    only INSERT and SELECT the audit trail; it owns nothing, so it can neither TRUNCATE the
    audit table nor disable its trigger. Nothing to do on SQLite or with a single role."""
    bind = op.get_bind()
    role = application_role()
    if bind.dialect.name != "postgresql" or not role or role == bind.execute(sa.text("SELECT current_user")).scalar():
        return
    quoted = bind.dialect.identifier_preparer.quote(role)
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        # Tables created by later migrations get the same rights.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {quoted}",
        # The audit trail: append and read only.
        f"REVOKE ALL ON audit_entries FROM {quoted}",
        f"GRANT SELECT, INSERT ON audit_entries TO {quoted}",
    ):
        op.execute(statement)
