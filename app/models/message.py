from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.statuses import MessageStatus, check_in
from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime

OUTBOUND_STATES = tuple(status for status in MessageStatus if status is not MessageStatus.RECEIVED)


class Message(TimestampMixin, db.Model):
    """Every SMS, both ways. Outbound rows are the outbox: written in the caller's
    transaction, sent by the dispatcher after commit."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_due", "status", "next_attempt_at"),
                      CheckConstraint(check_in("status", MessageStatus), name="status"))  # migration 0008

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)  # inbound | outbound
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a nurse being paged
    to_number: Mapped[str] = mapped_column(String(20), nullable=False)
    from_number: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    purpose: Mapped[str] = mapped_column(String(24), nullable=False)  # reminder, symptom, alert, system, patient
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which sweep holds the "sending" lease: a sender whose lease was recovered cannot
    # overwrite the outcome recorded by the sweep that took the message over.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    error_message: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which named template produced an outbound text, and its variables in declared order
    # ([[name, value], ...]): template-only providers send these instead of `body`.
    template_name: Mapped[str | None] = mapped_column(String(64))
    template_params: Mapped[list | None] = mapped_column(JSON)
