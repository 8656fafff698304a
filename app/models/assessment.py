"""Tumour assessments (RECIST 1.1 imaging time points) as entered from the radiology read."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import JSONType, TimestampMixin, UTCDateTime, VersionedMixin

NON_TARGET_STATES = ("cr", "non_cr_non_pd", "pd", "ne", "none")


class TumorAssessment(TimestampMixin, VersionedMixin, db.Model):
    """One scan's measurements. Responses are derived on read from the whole series, because a
    later correction of an earlier scan changes the baseline or nadir of every later one.
    Corrected by retraction, never deleted."""

    __tablename__ = "tumor_assessments"
    __table_args__ = (Index("ix_tumor_assessments_patient_date", "patient_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    # [{"lesion_id", "organ", "nodal", "diameter_mm" (null = not evaluated)}]
    target_lesions: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    non_target: Mapped[str] = mapped_column(String(16), nullable=False)
    new_lesions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Where the new lesions are: ["liver"], ["extrahepatic"] or both (PROTOCOL.md, liver response).
    new_lesion_sites: Mapped[list] = mapped_column(JSONType, nullable=False, default=list, server_default="[]")
    # The liver's own non-target state (same values as non_target); null = not recorded.
    non_target_liver: Mapped[str | None] = mapped_column(String(16))
    modality: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_reason: Mapped[str | None] = mapped_column(Text)
