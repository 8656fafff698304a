from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import JSONType, TimestampMixin, UTCDateTime


class CtcaeTerm(TimestampMixin, db.Model):
    """A row of NCI's official CTCAE table, loaded by `flask ctcae import` (reference data).

    The curated module (app/ctcae/data) stays the source of synonyms, Chinese names and
    patients' words; this table makes every official term pickable on the tablet.
    """

    __tablename__ = "ctcae_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    meddra_code: Mapped[str] = mapped_column(String(8), nullable=False, unique=True)
    soc: Mapped[str] = mapped_column(String(120), nullable=False)
    grades: Mapped[dict] = mapped_column(JSONType, nullable=False)  # {"1": text, ...}; absent = no such grade
    definition: Mapped[str] = mapped_column(Text, nullable=False, default="")
    ctcae_version: Mapped[str] = mapped_column(String(8), nullable=False)
    source: Mapped[str] = mapped_column(String(300), nullable=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
