"""read generations: the day view's cache knows when visits, patients, sites or lab results changed

Revision ID: 0017
Revises: 0016

``read_generations`` holds one counter per cached read model; triggers bump it, so every write
counts, whichever process, job or psql session makes it. PostgreSQL: a deferred constraint
trigger per changed row runs at COMMIT and bumps the counter once per transaction (a local
setting remembers it did), so the counter's row lock is taken last, when the transaction waits
for nothing else (no deadlock with row locks taken earlier), and a transaction that rolls back
bumps nothing; TRUNCATE bumps it too. SQLite: a trigger per row and operation (SQLite has no
statement or deferred triggers; its single writer rules out the deadlock).

Note for later migrations: SQLite's batch mode recreates a table and drops its triggers; the
app then reads without its cache (app.common.generations checks the triggers) and
tests/common/test_generations.py fails until they are created again.
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

NAME = "visit_views"
TABLES = ("visits", "patients", "sites", "lab_results")
OPERATIONS = ("insert", "update", "delete")

_PG_FUNCTION = f"""
CREATE FUNCTION bump_{NAME}_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('haic.{NAME}_bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('haic.{NAME}_bumped', 'on', true);
        UPDATE read_generations SET generation = generation + 1 WHERE name = '{NAME}';
    END IF;
    RETURN NULL;
END
$$"""


def _pg_triggers(table):
    return (f"CREATE CONSTRAINT TRIGGER {table}_{NAME}_generation AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_{NAME}_generation()",
            f"CREATE TRIGGER {table}_{NAME}_generation_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION bump_{NAME}_generation()")


def _sqlite_trigger(table, operation):
    return (f"CREATE TRIGGER {table}_{NAME}_generation_{operation} AFTER {operation.upper()} ON {table} "
            f"BEGIN UPDATE read_generations SET generation = generation + 1 WHERE name = '{NAME}'; END")


def upgrade():
    op.create_table(
        "read_generations",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_read_generations")),
    )
    op.execute(f"INSERT INTO read_generations (name, generation) VALUES ('{NAME}', 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in TABLES:
            for statement in _pg_triggers(table):
                op.execute(statement)
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                op.execute(_sqlite_trigger(table, operation))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{NAME}_generation ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{NAME}_generation_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS bump_{NAME}_generation()")
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{NAME}_generation_{operation}")
    op.drop_table("read_generations")
