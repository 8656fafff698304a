from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, record_now


class PatientBaseline(db.Model):
    """A patient's usual bowel habit before treatment (CTCAE grades diarrhea over it).

    Rows are never edited: a correction is a new row with a reason; the latest row is current.
    """

    __tablename__ = "patient_baselines"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    stools_per_day: Mapped[float] = mapped_column(Float, nullable=False)
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=record_now, nullable=False)
