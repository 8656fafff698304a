from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime


class FormLink(TimestampMixin, db.Model):
    """A patient's link to the web symptom form (/r/{token}): random, expiring, revocable,
    good for `max_uses` submissions. The token carries no patient data."""

    __tablename__ = "form_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    max_uses: Mapped[int] = mapped_column(Integer, nullable=False)
    uses: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The form's one-time nonce of the last accepted submission: a double tap posts it twice.
    last_nonce: Mapped[str | None] = mapped_column(String(32))
    last_report_id: Mapped[int | None] = mapped_column(ForeignKey("symptom_reports.id"))
