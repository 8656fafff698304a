"""alerts name their message: ``alerts.message_id`` (unmatched texts, late urgent replies)

Revision ID: 0016
Revises: 0015

Before, an ``unmatched_message`` or ``urgent_reply_late`` alert named its message only in
its text ("... (message 42) ..."), and assigning the text or checking for a late reply
searched ``detail`` for that marker. Now the alert holds the message's id; upgrade reads
the marker of existing alerts once, downgrade drops the column (the text keeps its marker).
"""
import re

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MARKER = re.compile(r"\(message (\d+)\)")
LINKED_KINDS = ("unmatched_message", "urgent_reply_late")


def upgrade():
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_message_id"), ["message_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_alerts_message_id_messages"), "messages", ["message_id"], ["id"])
    alerts = sa.table("alerts", sa.column("id", sa.Integer()), sa.column("kind", sa.String()),
                      sa.column("detail", sa.Text()), sa.column("message_id", sa.Integer()))
    messages = sa.table("messages", sa.column("id", sa.Integer()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(alerts.c.id, alerts.c.detail).where(alerts.c.kind.in_(LINKED_KINDS))).all()
    found = {alert_id: int(match.group(1)) for alert_id, detail in rows
             for match in [MARKER.search(detail or "")] if match}
    known = set(bind.scalars(sa.select(messages.c.id).where(messages.c.id.in_(set(found.values()))))) if found else set()
    for alert_id, message_id in found.items():
        if message_id in known:  # a marker naming a message that is gone stays text only
            bind.execute(alerts.update().where(alerts.c.id == alert_id).values(message_id=message_id))


def downgrade():
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alerts_message_id_messages"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alerts_message_id"))
        batch_op.drop_column("message_id")
