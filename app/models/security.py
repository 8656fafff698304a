"""Login throttling and calendar subscriptions (issue 16)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime


class LoginThrottle(db.Model):
    """Failed (and in-flight) attempts per (username, client address) or per signer.

    `scope` is "login" (key: username, client) or "signature" (key: user id, client "-").
    One row per key; `attempts` is incremented atomically *before* a password is hashed, so
    concurrent guesses are counted exactly; a right password deletes the row.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "username", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), nullable=False)
    username: Mapped[str] = mapped_column(String(80), nullable=False)
    client: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class CalendarLink(db.Model):
    """A revocable calendar subscription URL (`GET /cal/{token}.ics`): only the SHA-256 of
    the token is stored."""

    __tablename__ = "calendar_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient = relationship("Patient")
