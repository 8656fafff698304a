"""Column types and mixins shared by every model."""
from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Integer, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on both SQLite (which forgets the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC timestamps")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


JSONType = JSON


def record_now() -> datetime:
    """Wall-clock time for bookkeeping columns (created_at/updated_at drive tablet sync).

    Clinical timestamps are passed in by services from the injected clock; this one
    follows the clock too when an app is active, so frozen tests stay consistent.
    """
    try:
        from flask import current_app

        return current_app.extensions["clock"].now()
    except (RuntimeError, KeyError):
        return datetime.now(timezone.utc)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=record_now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=record_now, onupdate=record_now, nullable=False, index=True
    )


class VersionedMixin:
    """Optimistic locking: SQLAlchemy bumps `version` and refuses stale updates."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}
