"""Load the safety report's plain data from the database (scoped to what the actor may see)."""
from sqlalchemy import select

from app.adverse_events import flags
from app.adverse_events.safety_report import EventFacts, safety_table
from app.common.access import scope_to_site
from app.extensions import db
from app.common import treated
from app.common.population import population_block, treated_ids
from app.models import AdverseEvent


def first_doses(actor, cutoff) -> dict:
    """patient id -> first dose date (C1D1), for the treated population at the cutoff.

    The one definition shared with the efficacy report (``app.common.treated``)."""
    return treated.first_doses(actor, cutoff)


def event_facts(actor, cutoff) -> list:
    statement = scope_to_site(select(AdverseEvent).where(
        AdverseEvent.retracted_at.is_(None), AdverseEvent.onset_date <= cutoff), actor, AdverseEvent.site_id)
    return [EventFacts(e.patient_id, e.ctcae_term, e.soc, e.onset_date,
                       tuple(flags.GradeEntry(g.effective_date, g.grade) for g in e.grades),
                       e.serious, e.immune_related, e.aesi, dict(e.attribution))
            for e in db.session.scalars(statement.order_by(AdverseEvent.id))]


def safety_report(actor, cutoff) -> dict:
    doses = first_doses(actor, cutoff)
    report = safety_table(event_facts(actor, cutoff), doses, cutoff)
    report["population"] = population_block(treated.enrolled_count(actor, cutoff), len(treated_ids(doses, cutoff)))
    return report
