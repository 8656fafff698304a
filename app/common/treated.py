"""The treated population read from the database: one query shared by every report.

``first_doses`` gives each patient's C1D1 (first dose actually given, PROTOCOL.md
"Endpoints"); ``app.common.population`` holds the pure definition.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from app.common.access import scope_to_site
from app.extensions import db
from app.models import DOSE_VISIT_KINDS, Patient, Visit


def first_doses(actor, cutoff: date, site=None) -> dict[int, date]:
    """patient id -> C1D1 for the patients dosed on or before ``cutoff`` (treated), in scope."""
    statement = (select(Visit.patient_id, func.min(Visit.actual_date))
                 .where(Visit.status == "completed", Visit.kind.in_(DOSE_VISIT_KINDS), Visit.actual_date <= cutoff)
                 .group_by(Visit.patient_id))
    statement = scope_to_site(statement, actor, Visit.site_id)
    if site is not None:
        statement = statement.where(Visit.site_id == site.id)
    return dict(db.session.execute(statement).all())


def enrolled_count(actor, cutoff: date, site=None) -> int:
    """Patients enrolled by the end of the cutoff day (UTC; a margin of a day is harmless here)."""
    end = datetime.combine(cutoff + timedelta(days=1), time(0), tzinfo=timezone.utc)
    statement = scope_to_site(select(func.count(Patient.id)).where(Patient.enrolled_at < end), actor,
                              Patient.site_id)
    if site is not None:
        statement = statement.where(Patient.site_id == site.id)
    return db.session.scalar(statement) or 0
