from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime

# The heartbeat job's row (app.common.jobs.HEARTBEAT_JOB): its last finish is the last beat.
HEARTBEAT = "scheduler-heartbeat"


class JobRun(db.Model):
    """The last run of each registered job (one row per job name, updated in place), plus the
    scheduler's heartbeat row (HEARTBEAT). Written by app.common.jobs in its own transactions."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(12))  # running | ok | failed
    last_summary: Mapped[str | None] = mapped_column(Text)
