"""Adverse events graded by CTCAE v5.0, their grade history and the review of symptom candidates."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import JSONType, TimestampMixin, UTCDateTime, VersionedMixin

SERIOUSNESS_CRITERIA = ("death", "life_threatening", "hospitalisation", "disability", "congenital_anomaly",
                        "important_medical_event")
OUTCOMES = ("recovered", "recovering", "not_recovered", "recovered_with_sequelae", "fatal", "unknown")
DRUG_ACTIONS = ("none", "delayed", "reduced", "interrupted", "withdrawn")


class AdverseEvent(TimestampMixin, VersionedMixin, db.Model):
    """One AE. Never deleted (retracted with a reason); grade changes go to `grades`."""

    __tablename__ = "adverse_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    ctcae_term: Mapped[str] = mapped_column(String(120), nullable=False)
    meddra_code: Mapped[str] = mapped_column(String(8), nullable=False)
    soc: Mapped[str] = mapped_column(String(120), nullable=False)
    ctcae_version: Mapped[str] = mapped_column(String(8), nullable=False)
    grade: Mapped[int] = mapped_column(Integer, nullable=False)  # current grade; history in `grades`
    onset_date: Mapped[date] = mapped_column(Date, nullable=False)
    resolved_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    serious: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    seriousness_criteria: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    attribution: Mapped[dict] = mapped_column(JSONType, nullable=False)
    action_taken: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    immune_related: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    aesi: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    other_specify: Mapped[str | None] = mapped_column(Text)  # verbatim text of an "Other, specify" term
    symptom_report_id: Mapped[int | None] = mapped_column(ForeignKey("symptom_reports.id"))
    patient_grade: Mapped[int | None] = mapped_column(Integer)  # PRO composite it came from, kept beside
    # Seriousness clock: 24 h from awareness to the report reaching the sponsor.
    aware_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    # Investigator sign-off (electronic signature); cleared when causality or seriousness change.
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signature_meaning: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_reason: Mapped[str | None] = mapped_column(Text)

    grades = relationship("AdverseEventGrade", lazy="selectin",
                          order_by=lambda: [AdverseEventGrade.effective_date, AdverseEventGrade.id])
    signed_by = relationship("User", foreign_keys=[signed_by_id])


class AdverseEventGrade(db.Model):
    """An append-only entry of an AE's grade history: `grade` holds from `effective_date`."""

    __tablename__ = "adverse_event_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    adverse_event_id: Mapped[int] = mapped_column(ForeignKey("adverse_events.id"), nullable=False, index=True)
    grade: Mapped[int] = mapped_column(Integer, nullable=False)
    effective_date: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class SymptomReview(TimestampMixin, db.Model):
    """A nurse's decision on a patient-reported symptom item: confirmed as an AE or dismissed."""

    __tablename__ = "symptom_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    symptom_item_id: Mapped[int] = mapped_column(ForeignKey("symptom_items.id"), nullable=False, unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    decision: Mapped[str] = mapped_column(String(12), nullable=False)  # confirmed | dismissed
    adverse_event_id: Mapped[int | None] = mapped_column(ForeignKey("adverse_events.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
