from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime


class OnCallShift(TimestampMixin, db.Model):
    """One line of a site's on-call rota: `user` is paged for the site's alerts in
    [starts_at, ends_at). The rota is replaced as a whole (PUT /sites/{code}/on-call)."""

    __tablename__ = "on_call_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    user = relationship("User", lazy="joined")
