"""Tumour assessments (RECIST 1.1 imaging time points) as entered from the radiology read."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, VersionedMixin

NON_TARGET_STATES = ("cr", "non_cr_non_pd", "pd", "ne", "none")
# Where new lesions can be (PROTOCOL.md, liver response), in the order the API lists them.
NEW_LESION_SITE_COLUMNS = (("extrahepatic", "new_lesion_extrahepatic"), ("liver", "new_lesion_liver"))
LESION_FIELDS = ("lesion_id", "organ", "nodal", "diameter_mm", "too_small_to_measure")


class TargetLesionMeasurement(db.Model):
    """One target lesion as measured on one scan, in the order it was entered.

    Plain columns (migration 0015; before, a JSON list on the scan) so the efficacy report
    reads every measurement of the trial without decoding JSON.
    """

    __tablename__ = "target_lesion_measurements"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("tumor_assessments.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0-based, as entered
    lesion_id: Mapped[str] = mapped_column(String(20), nullable=False)
    organ: Mapped[str] = mapped_column(String(40), nullable=False)
    nodal: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    diameter_mm: Mapped[float | None] = mapped_column(Float)  # longest diameter (node: short axis); null = NE
    too_small_to_measure: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def as_dict(self) -> dict:
        """The lesion as the API and the audit trail show it (``LESION_FIELDS``)."""
        return {name: getattr(self, name) for name in LESION_FIELDS}


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
    non_target: Mapped[str] = mapped_column(String(16), nullable=False)
    new_lesions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Where the new lesions are (PROTOCOL.md, liver response): read as ``new_lesion_sites``.
    new_lesion_liver: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    new_lesion_extrahepatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                          server_default=false())
    # The liver's own non-target state (same values as non_target); null = not recorded.
    non_target_liver: Mapped[str | None] = mapped_column(String(16))
    modality: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_reason: Mapped[str | None] = mapped_column(Text)

    # Loaded with the scans in one more query (never one per scan); a scan is never edited.
    lesions: Mapped[list[TargetLesionMeasurement]] = relationship(
        order_by=TargetLesionMeasurement.position, cascade="all, delete-orphan", lazy="selectin")

    @property
    def target_lesions(self) -> list[dict]:
        """[{"lesion_id", "organ", "nodal", "diameter_mm" (None = not evaluated), "too_small_to_measure"}]."""
        return [lesion.as_dict() for lesion in self.lesions]

    @target_lesions.setter
    def target_lesions(self, items) -> None:
        self.lesions = [TargetLesionMeasurement(
            position=position, lesion_id=item["lesion_id"], organ=item["organ"], nodal=bool(item.get("nodal")),
            diameter_mm=item.get("diameter_mm"), too_small_to_measure=bool(item.get("too_small_to_measure")))
            for position, item in enumerate(items)]

    @property
    def new_lesion_sites(self) -> list[str]:
        """["extrahepatic"], ["liver"], both (in that order) or []."""
        return [site for site, column in NEW_LESION_SITE_COLUMNS if getattr(self, column)]

    @new_lesion_sites.setter
    def new_lesion_sites(self, sites) -> None:
        sites = set(sites or ())
        unknown = sites - {site for site, _ in NEW_LESION_SITE_COLUMNS}
        if unknown:
            raise ValueError(f"unknown new lesion sites: {sorted(unknown)}")
        for site, column in NEW_LESION_SITE_COLUMNS:
            setattr(self, column, site in sites)
