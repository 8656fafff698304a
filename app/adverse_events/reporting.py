"""Load the safety report's plain data from the database (scoped to what the actor may see)."""
from sqlalchemy import func, select

from app.adverse_events import flags
from app.adverse_events.safety_report import EventFacts, safety_table
from app.adverse_events.services import DOSE_KINDS
from app.common.access import scope_to_site
from app.common.statuses import VisitStatus
from app.extensions import db
from app.models import AdverseEvent, Visit


def first_doses(actor, cutoff) -> dict:
    """patient id -> first dose date, for patients dosed on or before the cutoff."""
    statement = (select(Visit.patient_id, func.min(Visit.actual_date))
                 .where(Visit.status == VisitStatus.COMPLETED, Visit.kind.in_(DOSE_KINDS), Visit.actual_date <= cutoff)
                 .group_by(Visit.patient_id))
    return dict(db.session.execute(scope_to_site(statement, actor, Visit.site_id)).all())


def event_facts(actor, cutoff) -> list:
    statement = scope_to_site(select(AdverseEvent).where(
        AdverseEvent.retracted_at.is_(None), AdverseEvent.onset_date <= cutoff), actor, AdverseEvent.site_id)
    return [EventFacts(e.patient_id, e.ctcae_term, e.soc, e.onset_date,
                       tuple(flags.GradeEntry(g.effective_date, g.grade) for g in e.grades),
                       e.serious, e.immune_related, e.aesi, dict(e.attribution))
            for e in db.session.scalars(statement.order_by(AdverseEvent.id))]


def safety_report(actor, cutoff) -> dict:
    return safety_table(event_facts(actor, cutoff), first_doses(actor, cutoff), cutoff)
