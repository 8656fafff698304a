"""Reads of lab results for other views: readiness of many visits in one query, baselines.

`readiness_map` is what every visit list calls: one SELECT over `lab_results` for all the HAIC
visits on the page (none when there is no HAIC visit), never one per visit.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, select

from app.extensions import db
from app.visits.readiness_rules import pre_cycle_rule
from app.visits.readiness import NOT_APPLICABLE_STATE, Point, readiness
from app.models import LabResult


@dataclass(frozen=True)
class VisitKey:
    """What readiness needs of a visit: its kind, patient, protocol version and D1 day."""
    key: object
    kind: str
    patient_id: int
    protocol_version: str
    d1: date


def session_day(status: str, scheduled_date: date, actual_date: date | None) -> date:
    """D1 of a session: the day it was given once completed, else the booked day."""
    return actual_date if status == "completed" and actual_date is not None else scheduled_date


def readiness_map(visits: Iterable[VisitKey], *, always_query: bool = False) -> dict:
    """{visit.key: readiness state} for `visits`, with at most one query (exactly one with
    `always_query`, so that a list's query count does not depend on what the page holds)."""
    visits = list(visits)
    sessions = [visit for visit in visits if visit.kind == "haic"]
    states = {visit.key: dict(NOT_APPLICABLE_STATE) for visit in visits if visit.kind != "haic"}
    if not sessions:
        if always_query:
            points_for((), ("platelets",), date.min + timedelta(days=1), date.min + timedelta(days=1), 0)
        return states
    rules = {visit.protocol_version: pre_cycle_rule(visit.protocol_version) for visit in sessions}
    widest = max(rule.days_before for rule in rules.values())
    tests = sorted({test for rule in rules.values() for test in rule.tests})
    points = points_for({visit.patient_id for visit in sessions}, tests,
                        min(visit.d1 for visit in sessions), max(visit.d1 for visit in sessions), widest)
    for visit in sessions:
        states[visit.key] = readiness("haic", visit.d1, points.get(visit.patient_id, ()),
                                      rules[visit.protocol_version])
    return states


def points_for(patient_ids, tests, first_d1: date, last_d1: date, days_before: int) -> dict[int, list[Point]]:
    """{patient_id: [Point]} of `tests` collected from first_d1 − days_before to last_d1 (one query)."""
    parameters = {"patient_ids": sorted(patient_ids), "tests": list(tests),
                  "first": first_d1 - timedelta(days=days_before), "last": last_d1}
    points: dict[int, list[Point]] = defaultdict(list)
    for patient_id, test, collected_on, value_si, times_uln, result_id in db.session.execute(_POINTS, parameters):
        points[patient_id].append(Point(test, collected_on, value_si, times_uln, result_id))
    return points


# Built once with expanding parameters: a page's patient ids are bound, not coerced one by one.
_POINTS = (select(LabResult.patient_id, LabResult.test, LabResult.collected_on, LabResult.value_si,
                  LabResult.times_uln, LabResult.id)
           .where(LabResult.patient_id.in_(bindparam("patient_ids", expanding=True)),
                  LabResult.test.in_(bindparam("tests", expanding=True)),
                  LabResult.collected_on.between(bindparam("first"), bindparam("last"))))


def visit_readiness(visit) -> dict:
    """The readiness of one Visit row (one query for a HAIC visit, none otherwise)."""
    key = VisitKey(visit.id, visit.kind, visit.patient_id, visit.protocol_version,
                   session_day(visit.status, visit.scheduled_date, visit.actual_date))
    return readiness_map([key])[visit.id]


def annotate_visits(visits) -> list:
    """Set `visit.readiness` on each Visit row (one query for the lot); returns them."""
    visits = list(visits)
    states = readiness_map(VisitKey(v.id, v.kind, v.patient_id, v.protocol_version,
                                    session_day(v.status, v.scheduled_date, v.actual_date)) for v in visits)
    for visit in visits:
        visit.readiness = states[visit.id]
    return visits


def baseline_result(patient_id: int, test: str, first_dose: date | None) -> LabResult | None:
    """The last result of `test` on or before the first dose day (API.md: baseline), or None
    before any dose."""
    if first_dose is None:
        return None
    return db.session.scalar(select(LabResult).where(
        LabResult.patient_id == patient_id, LabResult.test == test, LabResult.collected_on <= first_dose)
        .order_by(LabResult.collected_on.desc(), LabResult.id.desc()).limit(1))
