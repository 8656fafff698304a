from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.statuses import AlertStatus, ReportStatus, check_in
from app.extensions import db
from app.models.base import JSONType, TimestampMixin, UTCDateTime, VersionedMixin


class SymptomReport(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "symptom_reports"
    __table_args__ = (CheckConstraint(check_in("status", ReportStatus), name="status"),)  # migration 0008

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)  # sms | tablet | form (web link)
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # ReportStatus
    escalated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    conversation: Mapped[dict | None] = mapped_column(JSONType)  # open questions, pure state
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    items = relationship("SymptomItem", order_by="SymptomItem.id", lazy="selectin",
                         cascade="all, delete-orphan")


class SymptomItem(db.Model):
    __tablename__ = "symptom_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("symptom_reports.id"), nullable=False, index=True)
    ctcae_term: Mapped[str] = mapped_column(String(120), nullable=False)
    meddra_code: Mapped[str] = mapped_column(String(8), nullable=False)
    ctcae_version: Mapped[str] = mapped_column(String(8), nullable=False)
    patient_grade: Mapped[int | None] = mapped_column(Integer)
    measured_grade: Mapped[int | None] = mapped_column(Integer)  # CTCAE grade from a value (fever, stools)
    severity: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[int | None] = mapped_column(Integer)
    interference: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    red_flags: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)


class Alert(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "alerts"
    __table_args__ = (CheckConstraint(check_in("status", AlertStatus), name="status"),)  # migration 0008

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both null for an alert about no patient (a text from an unknown number); the site is
    # null when nobody knows whose it is, and then only admins see it.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # symptom, sae_deadline, sms_unreachable, ...
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=AlertStatus.OPEN)
    ctcae_term: Mapped[str | None] = mapped_column(String(120))
    grade: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    detail: Mapped[str | None] = mapped_column(Text)
    symptom_report_id: Mapped[int | None] = mapped_column(ForeignKey("symptom_reports.id"))
    # The text the alert is about (an unmatched text, an urgent reply that did not go out): migration 0016.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    occurrences: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledgement_note: Mapped[str | None] = mapped_column(Text)

    patient = relationship("Patient")
