from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, VersionedMixin

PATIENT_STATUSES = ("on_treatment", "follow_up", "completed", "deceased", "withdrawn", "lost_to_follow_up")
EVENT_TYPES = ("progression", "death", "end_of_treatment", "withdrawal", "lost_to_follow_up", "contact",
               "study_completed")
# Patients whose phone still receives study SMS: one number belongs to one of them (issue 16).
ACTIVE_STATUSES = ("on_treatment", "follow_up")
_ACTIVE = "status IN ('on_treatment', 'follow_up')"


class Patient(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "patients"
    __table_args__ = (Index("uq_patients_active_phone", "phone", unique=True,
                            postgresql_where=text(_ACTIVE), sqlite_where=text(_ACTIVE)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), unique=True, nullable=False)
    study_id: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    initials: Mapped[str] = mapped_column(String(8), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="on_treatment")
    treatment_start: Mapped[date] = mapped_column(Date, nullable=False)
    protocol_version: Mapped[str] = mapped_column(String(40), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    phone: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    weight_kg: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    sms_opted_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sms_opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_unreachable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Set when someone reported the patient deceased and the death is not yet recorded: no
    # reminder or question may reach the family meanwhile. Cleared by a later proof of life.
    sms_paused_reason: Mapped[str | None] = mapped_column(String(200))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_contact_date: Mapped[date | None] = mapped_column(Date)
    checkin_channel: Mapped[str | None] = mapped_column(String(8))  # "sms" | "form"; None: the site's

    site = relationship("Site", lazy="joined")
    screening = relationship("Screening")


class PatientEvent(TimestampMixin, VersionedMixin, db.Model):
    """A dated milestone (progression, death, ...). Corrected by retraction, never deleted."""

    __tablename__ = "patient_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    # Progression only: "radiological" (a PD scan) or "clinical" (no PD scan), and whether the
    # investigator chose treatment beyond progression (sintilimab stays booked).
    source: Mapped[str | None] = mapped_column(String(16))
    treatment_beyond_progression: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                               server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_reason: Mapped[str | None] = mapped_column(Text)

    patient = relationship("Patient")
