"""The follow-up contact log: every attempt to reach a patient, reached or not."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime

CONTACT_CHANNELS = ("phone", "sms", "clinic", "home_visit", "other")
CONTACT_OUTCOMES = ("reached", "informant_confirmed_alive", "no_answer", "message_left",
                    "wrong_number", "refused", "reported_deceased")
# Outcomes that prove the patient was alive on the contact date.
ALIVE_OUTCOMES = ("reached", "informant_confirmed_alive")


class ContactAttempt(TimestampMixin, db.Model):
    """Append-only: a call that happened cannot un-happen. A proof of life also writes a
    `contact` PatientEvent (linked here), which is what the endpoints read."""

    __tablename__ = "contact_attempts"
    __table_args__ = (Index("ix_contact_attempts_patient_at", "patient_id", "contacted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    contact_date: Mapped[date] = mapped_column(Date, nullable=False)  # site calendar date
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    outcome: Mapped[str] = mapped_column(String(32), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("patient_events.id"))
