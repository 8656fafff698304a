"""The report's lean database read gives the same endpoints as the rich one.

``endpoint_inputs`` (column tuples, deaths by GROUP BY, the latest proof of life by MAX)
against ``gather`` (every event and proof of life) on patients with every kind of
contact: completed visits, inbound SMS near midnight, contact events (one retracted,
one after the cutoff), scans, a retracted death and a death after the cutoff.
"""
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.followup.past_patients import enroll_on, post_event

C1D1 = date(2025, 1, 6)
CUTOFF = date(2025, 9, 30)


def _scan(api, patient, when, mm, new_lesions=False):
    body = {"date": when.isoformat(), "non_target": "none", "new_lesions": new_lesions,
            "new_lesion_sites": ["liver"] if new_lesions else [],
            "target_lesions": [{"lesion_id": "L1", "organ": "liver", "nodal": False, "diameter_mm": mm}]}
    assert api.post(f"/api/v1/patients/{patient['id']}/tumor-assessments", json=body).status_code == 201


def _inbound_sms(patient, received_at):
    from app.extensions import db
    from app.models import Message

    db.session.add(Message(direction="inbound", patient_id=patient["id"], to_number="+8610000",
                           from_number="+8613900", body="ok", purpose="patient", status="received",
                           received_at=received_at))
    db.session.commit()


def _complete_first_visit(api, patient, actual_date):
    visit = api.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"][0]
    done = api.post(f"/api/v1/visits/{visit['id']}/complete", json={"actual_date": actual_date.isoformat()})
    assert done.status_code == 200, done.get_json()


@pytest.fixture
def trial(coordinator):
    patients = [enroll_on(coordinator, C1D1, dosed=True) for _ in range(5)]
    responder, progressor, texter, retracted_death, late_death = patients
    for patient in patients:
        _scan(coordinator, patient, C1D1 - timedelta(days=5), 40)
    for week, mm in ((6, 25), (12, 24), (18, 23)):
        _scan(coordinator, responder, C1D1 + timedelta(weeks=week), mm)
    _scan(coordinator, responder, CUTOFF + timedelta(days=3), 60)  # after the cutoff: ignored
    _scan(coordinator, progressor, C1D1 + timedelta(weeks=18), 60, new_lesions=True)  # two missed scans
    _complete_first_visit(coordinator, progressor, C1D1)
    # 23:30 UTC on the cutoff is 07:30 the next day in Beijing: after the cutoff; the other one is not.
    _inbound_sms(texter, datetime.combine(CUTOFF, datetime.min.time(), timezone.utc) + timedelta(hours=23, minutes=30))
    _inbound_sms(texter, datetime(2025, 8, 1, 15, 0, tzinfo=timezone.utc))
    post_event(coordinator, texter["id"], "contact", CUTOFF + timedelta(days=1))
    event = post_event(coordinator, retracted_death["id"], "death", C1D1 + timedelta(days=100))
    retraction = coordinator.post(f"/api/v1/patients/{retracted_death['id']}/events/{event['event']['id']}/retract",
                                  json={"reason": "wrong patient"})
    assert retraction.status_code == 200, retraction.get_json()
    post_event(coordinator, retracted_death["id"], "contact", C1D1 + timedelta(days=150))
    post_event(coordinator, late_death["id"], "death", CUTOFF + timedelta(days=10))
    return patients


def test_lean_read_gives_the_rich_endpoints(app, trial, make_user):
    from app.efficacy import services
    from app.efficacy.derivation import derive_all_endpoints, derive_patient_endpoints

    actor = make_user("analyst", "coordinator")
    rich = [derive_patient_endpoints(data) for _, data, _ in services.gather(actor, CUTOFF)]
    lean = derive_all_endpoints(services.endpoint_inputs(actor, CUTOFF))
    assert lean == rich
    by_reason = sorted(e.os.reason for e in lean)
    assert by_reason == ["alive at last contact"] * 5  # the retracted and the late death do not count
    assert [e.os.date for e in lean][2] == date(2025, 8, 1)  # the texter: the SMS before the cutoff
    assert [e.os.date for e in lean][3] == C1D1 + timedelta(days=150)
    assert "missed assessments" in lean[1].pfs.reason


def test_latest_proof_of_life_is_the_maximum_up_to_the_cutoff(app, trial):
    from sqlalchemy import select

    from app.followup.proof_of_life import latest_proof_of_life, proof_of_life_dates
    from app.models import Patient

    ids = select(Patient.id).scalar_subquery()
    every = proof_of_life_dates(ids)
    expected = {pid: max(d for d in dates if d <= CUTOFF) for pid, dates in every.items()
                if any(d <= CUTOFF for d in dates)}
    assert latest_proof_of_life(ids, CUTOFF) == expected


def _statements_of_report(api):
    """The SQL statements one GET /reports/efficacy runs."""
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert api.get("/api/v1/reports/efficacy", query_string={"cutoff": CUTOFF.isoformat()}).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return statements


def test_the_report_runs_the_same_statements_for_more_patients(coordinator, trial):
    few = _statements_of_report(coordinator)
    for index in range(4):  # more patients, scans, SMS, contacts and deaths
        patient = enroll_on(coordinator, C1D1, dosed=True)
        for week, mm in ((-1, 40), (6, 30), (12, 28)):
            _scan(coordinator, patient, C1D1 + timedelta(weeks=week, days=index), mm)
        _inbound_sms(patient, datetime(2025, 5, 1 + index, 12, 0, tzinfo=timezone.utc))
        post_event(coordinator, patient["id"], "contact", C1D1 + timedelta(days=60 + index))
        post_event(coordinator, patient["id"], "death", C1D1 + timedelta(days=200 + index))
    many = _statements_of_report(coordinator)
    assert len(many) == len(few)
    # The lesions in one read; every proof of life (SMS too) in one aggregate, deaths and progressions in another.
    assert sum("FROM target_lesion_measurements" in s for s in many) == 1
    assert sum("FROM messages" in s for s in many) == 1 and sum("FROM patient_events" in s for s in many) == 2
