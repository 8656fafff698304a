"""Screen a candidate, re-screen with completed facts, and summarise the screening log."""
from collections import Counter

from sqlalchemy import func, select

from app.common.audit import jsonable, log_change, require_reason, snapshot
from app.common.sites import find_site
from app.common.access import require_own_site, scope_to_site
from app.common.clock import local_date
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.models import Patient, Screening
from app.screening import eligibility, labs

AUDITED = ("screened_on", "initials", "sex", "birth_date", "facts", "eligible", "reasons_ineligible", "missing")


def _evaluate(facts, birth_date, screened_on):
    try:
        return eligibility.evaluate(facts, birth_date, screened_on)
    except labs.LabUnitError as exc:
        raise ValidationProblem(str(exc), errors={"facts.labs": [str(exc)]})


def _apply_result(screening, result):
    screening.eligible = result.eligible
    screening.criteria = [jsonable(c) for c in result.criteria_as_dicts()]
    screening.reasons_ineligible = list(result.reasons_ineligible)
    screening.missing = list(result.missing)


def _check_dates(screened_on, birth_date, now, site):
    if birth_date >= screened_on:
        raise ValidationProblem("The birth date must be before the screening date.",
                                errors={"birth_date": ["Must be before screened_on."]})
    # "Today" is the site's date (PROTOCOL.md: site time zone), not the UTC date.
    if screened_on > local_date(now, site.timezone):
        raise ValidationProblem("The screening date is in the future.",
                                errors={"screened_on": ["Cannot be in the future."]})


def screen_candidate(actor, now, *, site, screened_on, initials, sex, birth_date, facts):
    """Evaluate eligibility from `facts` (criteria I1-I9, E1-E9, registry order) and store the
    screening; audited, flushed. Raises ValidationProblem (422) for an unknown site or impossible
    dates, Forbidden (403) for another site."""
    site_row = find_site(site)
    require_own_site(actor, site_row)
    _check_dates(screened_on, birth_date, now, site_row)
    result = _evaluate(facts, birth_date, screened_on)
    screening = Screening(site_id=site_row.id, screened_on=screened_on, initials=initials.upper(), sex=sex,
                          birth_date=birth_date, facts=jsonable(facts), created_by_id=actor.id)
    screening.site = site_row
    _apply_result(screening, result)
    db.session.add(screening)
    db.session.flush()
    log_change(actor, now, "create", "screening", screening.id, after=snapshot(screening, AUDITED),
           site_id=site_row.id)
    return screening


def rescreen(actor, now, screening, facts, reason):
    """Replace the facts (e.g. labs that arrived later) and evaluate again; enrolled is final."""
    reason = require_reason(reason)
    if screening.patient is not None:
        raise Conflict("This candidate is enrolled; the screening can no longer change.")
    before = snapshot(screening, AUDITED)
    result = _evaluate(facts, screening.birth_date, screening.screened_on)
    screening.facts = jsonable(facts)
    _apply_result(screening, result)
    db.session.flush()
    log_change(actor, now, "update", "screening", screening.id, before=before, after=snapshot(screening, AUDITED),
           reason=reason, site_id=screening.site_id)
    return screening


def filtered(actor, args):
    """A SELECT of the screenings `actor` may see, narrowed by `site` and the screened_from/to dates."""
    statement = scope_to_site(select(Screening), actor, Screening.site_id)
    if args.get("site"):
        statement = statement.where(Screening.site_id == find_site(args["site"]).id)
    if args.get("screened_from"):
        statement = statement.where(Screening.screened_on >= args["screened_from"])
    if args.get("screened_to"):
        statement = statement.where(Screening.screened_on <= args["screened_to"])
    return statement


def with_verdict(statement, verdict):
    """`statement` narrowed to eligible ("true"), ineligible ("false") or pending ("pending") screenings."""
    if verdict == "true":
        return statement.where(Screening.eligible.is_(True))
    if verdict == "false":
        return statement.where(Screening.eligible.is_(False))
    if verdict == "pending":
        return statement.where(Screening.eligible.is_(None))
    return statement


def summary(statement) -> dict:
    """Counts as coordinators report them (CONSORT-style screening log)."""
    rows = db.session.execute(statement.with_only_columns(Screening.id, Screening.eligible, Screening.criteria)).all()
    verdicts = Counter(row.eligible for row in rows)
    ids = [row.id for row in rows]
    enrolled = db.session.scalar(select(func.count(Patient.id)).where(Patient.screening_id.in_(ids))) if ids else 0
    return {"screened": len(rows), "eligible": verdicts[True], "ineligible": verdicts[False],
            "pending": verdicts[None], "enrolled": enrolled, "by_reason": _by_reason(rows)}


def _by_reason(rows):
    """Failed criteria among ineligible candidates (one candidate may fail several)."""
    counts = Counter()
    for row in rows:
        if row.eligible is False:
            counts.update({c["id"] for c in row.criteria if _failed(c)})
    return [{"id": c.id, "title": c.title, "n": counts[c.id]} for c in eligibility.CRITERIA if counts[c.id]]


def _failed(criterion) -> bool:
    excluded = criterion.get("kind") == "exclusion"
    return criterion.get("met") is (True if excluded else False)
