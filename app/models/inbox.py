from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import JSONType, UTCDateTime, record_now

INBOX_STATES = ("pending", "processing", "done", "failed")


class InboxEntry(db.Model):
    """Every inbound SMS and provider delivery receipt, stored on arrival in its own commit
    (the outbox's twin). Processing happens afterwards, with retries: the webhook never
    loses what a provider handed over because processing failed."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("channel", "kind", "provider_ref", name="uq_inbox_provider_ref"),
                      Index("ix_inbox_due", "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # text | receipt
    channel: Mapped[str] = mapped_column(String(16), nullable=False)  # twilio, aliyun, tencent, ...
    # The provider's id of the text (MessageSid), or "<sid>:<status>" for a receipt.
    provider_ref: Mapped[str] = mapped_column(String(120), nullable=False)
    from_number: Mapped[str | None] = mapped_column(String(32))
    to_number: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str | None] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64))  # receipts: the outbound message's SID
    provider_status: Mapped[str | None] = mapped_column(String(24))
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    raw: Mapped[dict | None] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=record_now, nullable=False)
