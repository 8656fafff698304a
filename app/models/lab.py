"""Laboratory results: one collection (a blood draw) holds results, each graded by CTCAE v5.0;
a graded result may propose a laboratory AE candidate."""
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, VersionedMixin

CANDIDATE_STATUSES = ("pending", "confirmed", "dismissed", "superseded", "applied")


class LabCollection(TimestampMixin, VersionedMixin, db.Model):
    """One draw on `collected_on` (site-local date), optionally for a labs visit."""

    __tablename__ = "lab_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    collected_on: Mapped[date] = mapped_column(Date, nullable=False)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    results = relationship("LabResult", order_by="LabResult.id")


class LabResult(TimestampMixin, db.Model):
    """One test's value as entered, in SI, and its CTCAE v5.0 grade (null for tests without a term).
    `patient_id` and `collected_on` are copied from the collection so readiness reads one index."""

    __tablename__ = "lab_results"
    __table_args__ = (Index("ix_lab_results_patient_day", "patient_id", "collected_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("lab_collections.id"), nullable=False, index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False)
    collected_on: Mapped[date] = mapped_column(Date, nullable=False)
    test: Mapped[str] = mapped_column(String(20), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    uln: Mapped[float | None] = mapped_column(Float)
    lln: Mapped[float | None] = mapped_column(Float)
    value_si: Mapped[float] = mapped_column(Float, nullable=False)
    unit_si: Mapped[str] = mapped_column(String(20), nullable=False)
    uln_si: Mapped[float | None] = mapped_column(Float)
    lln_si: Mapped[float | None] = mapped_column(Float)
    times_uln: Mapped[float | None] = mapped_column(Float)
    ctcae_term: Mapped[str | None] = mapped_column(String(120))
    ctcae_version: Mapped[str | None] = mapped_column(String(8))
    grade: Mapped[int | None] = mapped_column(Integer)
    baseline_result_id: Mapped[int | None] = mapped_column(ForeignKey("lab_results.id"))


class LabAeCandidate(TimestampMixin, db.Model):
    """A laboratory AE proposed by a graded result, and what became of it. `applied` marks a
    result that raised the grade of an AE already confirmed (the link to the value is kept)."""

    __tablename__ = "lab_ae_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    lab_result_id: Mapped[int] = mapped_column(ForeignKey("lab_results.id"), nullable=False, index=True)
    ctcae_term: Mapped[str] = mapped_column(String(120), nullable=False)
    grade: Mapped[int] = mapped_column(Integer, nullable=False)
    onset_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    adverse_event_id: Mapped[int | None] = mapped_column(ForeignKey("adverse_events.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    result = relationship("LabResult", lazy="joined")
