"""The reschedule preview (app/visits/rescheduling.py): the moves POST /visits/{id}/reschedule
will make, computed without writing, and exactly what the reschedule then applies."""
from datetime import date

import pytest

from app.common.problems import Conflict, ValidationProblem
from tests.conftest import FROZEN_NOW


def _row(visit_id):
    from app.extensions import db
    from app.models import Visit

    return db.session.get(Visit, visit_id)


def test_the_preview_writes_nothing_and_is_what_the_reschedule_applies(nurse, enroll, visits_of):
    from app.extensions import db
    from app.models import AuditEntry
    from app.visits.rescheduling import preview_reschedule

    patient = enroll()
    c2 = visits_of(patient["id"])["C02-SINT"]
    audit_before = db.session.query(AuditEntry).count()
    moves = preview_reschedule(FROZEN_NOW, _row(c2["id"]), date(2026, 3, 30))
    preview = {move.row.code: (move.old_date.isoformat(), move.new_date.isoformat(), move.flags) for move in moves}
    assert preview["C02-SINT"][1] == "2026-03-30" and "C02-HAIC" in preview and "C03-SINT" in preview
    assert not any(code.startswith("IMG") for code in preview)  # imaging never moves with treatment
    db.session.expire_all()
    assert _row(c2["id"]).scheduled_date == date(2026, 3, 23)
    assert db.session.query(AuditEntry).count() == audit_before

    response = nurse.post(f"/api/v1/visits/{c2['id']}/reschedule", json={"date": "2026-03-30", "reason": "fever"})
    assert response.status_code == 200
    after = visits_of(patient["id"])
    assert {code: (old, after[code]["scheduled_date"], after[code]["flags"]) for code, (old, _new, _f) in preview.items()} \
        == preview
    applied = {v["code"] for v in response.get_json()["moved"]} | {"C02-SINT"}
    assert applied == set(preview)


def test_imaging_moves_alone_flagged_when_out_of_window(enroll, visits_of):
    from app.visits.rescheduling import preview_reschedule

    image = visits_of(enroll()["id"])["IMG-W06"]
    moves = preview_reschedule(FROZEN_NOW, _row(image["id"]), date(2026, 4, 22))
    assert [(m.row.code, m.new_date, m.flags) for m in moves] == [("IMG-W06", date(2026, 4, 22), ["out_of_window"])]


def test_the_preview_refuses_what_the_reschedule_refuses(nurse, enroll, visits_of):
    from app.visits.rescheduling import preview_reschedule

    visits = visits_of(enroll()["id"])
    c2 = _row(visits["C02-SINT"]["id"])
    assert preview_reschedule(FROZEN_NOW, c2, c2.scheduled_date) == []
    with pytest.raises(ValidationProblem) as past:
        preview_reschedule(FROZEN_NOW, c2, date(2026, 3, 1))
    assert "date" in past.value.errors
    with pytest.raises(ValidationProblem) as far:
        preview_reschedule(FROZEN_NOW, c2, date(2107, 3, 1))
    assert far.value.slug == "date-out-of-range"
    nurse.post(f"/api/v1/visits/{visits['C01-SINT']['id']}/complete", json={"actual_date": "2026-03-02"})
    with pytest.raises(Conflict):
        preview_reschedule(FROZEN_NOW, _row(visits["C01-SINT"]["id"]), date(2026, 3, 4))


def test_the_api_previews_a_reschedule_without_writing(nurse, enroll, visits_of, admin):
    patient = enroll()
    c2 = visits_of(patient["id"])["C02-SINT"]
    response = nurse.post(f"/api/v1/visits/{c2['id']}/reschedule/preview", json={"date": "2026-03-30"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["visit"]["scheduled_date"] == "2026-03-23" and response.headers["ETag"]
    moves = {m["code"]: m for m in body["moves"]}
    assert (moves["C02-SINT"]["from_date"], moves["C02-SINT"]["to_date"]) == ("2026-03-23", "2026-03-30")
    assert "C03-SINT" in moves and "IMG-W06" not in moves and moves["C03-SINT"]["cancelled"] is False
    assert visits_of(patient["id"])["C02-SINT"]["scheduled_date"] == "2026-03-23"
    past = nurse.post(f"/api/v1/visits/{c2['id']}/reschedule/preview", json={"date": "2026-03-01"})
    assert past.status_code == 422 and "date" in past.get_json()["errors"]
    assert nurse.post(f"/api/v1/visits/{c2['id']}/reschedule/preview", json={}).status_code == 422
    stale = nurse.post(f"/api/v1/visits/{c2['id']}/reschedule/preview", json={"date": "2026-03-30"},
                       headers={"If-Match": '"999"'})
    assert stale.status_code == 412  # compared like the reschedule's own If-Match
    current = nurse.post(f"/api/v1/visits/{c2['id']}/reschedule/preview", json={"date": "2026-03-30"},
                         headers={"If-Match": response.headers["ETag"]})
    assert current.status_code == 200 and current.get_json()["moves"] == body["moves"]
