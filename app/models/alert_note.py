from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime


class AlertNote(TimestampMixin, db.Model):
    """A note on an alert, added at any time (open or acknowledged); notes are never edited."""

    __tablename__ = "alert_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)

    author = relationship("User", lazy="joined")
    # Alert.notes (oldest first), declared here so the alert model stays as it is.
    alert = relationship("Alert", backref=backref("notes", order_by="AlertNote.id", lazy="selectin"))
