from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import JSONType, TimestampMixin, VersionedMixin


class Screening(TimestampMixin, VersionedMixin, db.Model):
    """One candidate screened against every criterion; the facts and the verdict are both kept."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    screened_on: Mapped[date] = mapped_column(Date, nullable=False)
    initials: Mapped[str] = mapped_column(String(8), nullable=False)
    sex: Mapped[str] = mapped_column(String(10), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    facts: Mapped[dict] = mapped_column(JSONType, nullable=False)
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    criteria: Mapped[list] = mapped_column(JSONType, nullable=False)
    reasons_ineligible: Mapped[list] = mapped_column(JSONType, nullable=False)
    missing: Mapped[list] = mapped_column(JSONType, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site = relationship("Site", lazy="joined")
    patient = relationship("Patient", uselist=False, viewonly=True, lazy="selectin")
