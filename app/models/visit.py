from datetime import date

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.statuses import VisitStatus, check_in
from app.extensions import db
from app.models.base import JSONType, TimestampMixin, VersionedMixin

VISIT_KINDS = ("haic", "sintilimab", "labs", "imaging", "safety_follow_up", "survival_follow_up")
VISIT_STATUSES = tuple(VisitStatus)


class Visit(TimestampMixin, VersionedMixin, db.Model):
    """One protocol visit. The protocol's target date is kept apart from the booked date,
    and the status apart from the timing."""

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("patient_id", "code"),
        Index("ix_visits_site_day", "site_id", "scheduled_date"),
        # Added by migration 0002: the site's load of a capacity-limited kind (booking),
        # covered by the index; and the schedule's vocabularies and invariants.
        Index("ix_visits_site_kind_day", "site_id", "kind", "scheduled_date", "status"),
        CheckConstraint(check_in("status", VisitStatus), name="status"),
        CheckConstraint(f"kind IN {VISIT_KINDS!r}", name="kind"),
        CheckConstraint("window_start <= window_end", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False)
    protocol_version: Mapped[str] = mapped_column(String(40), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    cycle: Mapped[int | None] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(String(16), nullable=False)
    target_date: Mapped[date] = mapped_column(Date, nullable=False)
    window_start: Mapped[date] = mapped_column(Date, nullable=False)
    window_end: Mapped[date] = mapped_column(Date, nullable=False)
    scheduled_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=VisitStatus.SCHEDULED)
    actual_date: Mapped[date | None] = mapped_column(Date)
    dose_mg: Mapped[float | None] = mapped_column(Numeric(7, 1, asdecimal=False))
    planned_dose_mg: Mapped[float | None] = mapped_column(Numeric(7, 1, asdecimal=False))
    panels: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    flags: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    status_reason: Mapped[str | None] = mapped_column(Text)

    patient = relationship("Patient")
