"""The generation of the data behind a cached read model (the nurse's day view)."""
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# The day view and timeline read visits, the patient's study id and initials, the site's code
# and lab results (HAIC readiness): any committed change to one of these tables is a new generation.
VISIT_VIEWS = "visit_views"
VISIT_VIEW_TABLES = ("visits", "patients", "sites", "lab_results")


class ReadGeneration(db.Model):
    """How many committed transactions have changed the tables behind read model `name`.

    One row per read model, written only by database triggers (migration 0017): on PostgreSQL a
    deferred trigger adds one at COMMIT of any transaction that inserted, updated or deleted a
    row of those tables (or truncated one); on SQLite a trigger adds one per changed row. The
    application never writes it, so a write from another process, a job or psql counts too."""

    __tablename__ = "read_generations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
