"""PATCH /symptom-reports/{id}/items/{item_id}: a nurse corrects a grade with a reason (issue 17 item 2)."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry


def test_a_nurse_corrects_a_grade_with_a_reason(nurse, sms, patient):
    sms("severe nausea")
    report = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"][0]
    item = report["items"][0]
    url = f"/api/v1/symptom-reports/{report['id']}/items/{item['id']}"
    assert nurse.patch(url, json={"patient_grade": 1}).status_code == 422  # no reason
    assert nurse.patch(url, json={"patient_grade": 1, "reason": "x"},
                       headers={"If-Match": '"999"'}).status_code == 412
    response = nurse.patch(url, json={"patient_grade": 1, "reason": "patient meant mild on the phone"},
                           headers={"If-Match": f'"{report["version"]}"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"][0]["patient_grade"] == 1
    assert response.headers["ETag"] == f'"{report["version"] + 1}"'
    entry = db.session.scalar(select(AuditEntry).filter_by(action="symptom_item:correct"))
    assert (entry.before["patient_grade"], entry.after["patient_grade"]) == (item["patient_grade"], 1)
    assert entry.reason == "patient meant mild on the phone"
    assert nurse.patch(f"/api/v1/symptom-reports/{report['id']}/items/99999",
                       json={"patient_grade": 1, "reason": "x"}).status_code == 404
    assert nurse.patch(url, json={"patient_grade": 7, "reason": "x"}).status_code == 422
