"""handle_inbound_text: the SMS dialogue stored in reports, grading, escalation and nurse pages."""
from sqlalchemy import select

from app.extensions import db
from app.models import Alert, AuditEntry, Message, SymptomReport
from app.notifications.sms_segments import segments as sms_segments
from tests.symptoms.conftest import ON_CALL_PHONE

THANKS = "Thank you, we have recorded your report."


def reports():
    return db.session.scalars(select(SymptomReport).order_by(SymptomReport.id)).all()


def alerts(kind="symptom"):
    return db.session.scalars(select(Alert).filter_by(kind=kind).order_by(Alert.id)).all()


def pages():
    return db.session.scalars(select(Message).filter_by(purpose="alert").order_by(Message.id)).all()


def test_question_then_answer_completes_one_report(sms):
    (question,) = sms("feel sick")
    (report,) = reports()
    assert "How bad is the nausea" in question
    # the term is recorded at once, its grade pending (issue 11 item 6)
    assert (report.status, [(i.ctcae_term, i.patient_grade) for i in report.items],
            report.conversation["questions"][0]["term"]) == ("awaiting_answer", [("Nausea", None)], "Nausea")
    assert sms("2") == [THANKS]
    (report,) = reports()
    (item,) = report.items
    assert (report.status, report.conversation, report.text) == ("complete", None, "feel sick\n2")
    assert (item.ctcae_term, item.meddra_code, item.ctcae_version, item.severity, item.patient_grade) == (
        "Nausea", "10028813", "5.0", 2, 2)
    actions = db.session.scalars(select(AuditEntry.action).filter_by(entity="symptom_report")).all()
    assert actions == ["symptom_report_received", "symptom_report_updated"]


def test_two_symptoms_are_asked_one_at_a_time_in_one_report(sms):
    sms("nausea and headache")
    second = sms("1")
    assert "headache" in second[0].lower()
    assert sms("3")[0].startswith("A study nurse will review this today")
    (report,) = reports()
    assert [(i.ctcae_term, i.patient_grade) for i in report.items] == [("Nausea", 1), ("Headache", 3)]
    assert report.escalated


def test_composite_three_opens_an_alert_and_pages_the_on_call_nurse(sms, on_call, patient):
    replies = sms("severe nausea")
    (alert,) = alerts()
    assert replies[0] == "A study nurse will review this today. If it gets worse, call +861088196114."
    assert (alert.status, alert.ctcae_term, alert.grade, alert.reasons, alert.site_id) == (
        "open", "Nausea", 3, ["composite_grade:3"], patient.site_id)
    (page,) = pages()
    assert (page.to_number, page.user_id, page.status, page.patient_id) == (ON_CALL_PHONE, on_call.id, "queued", None)
    assert patient.study_id in page.body and f"#{alert.id}" in page.body
    assert "nausea" not in page.body.lower() and "恶心" not in page.body  # no symptom or diagnosis by SMS


def test_red_flag_tells_the_patient_to_call_now(sms, on_call):
    replies = sms("chest pain")
    assert "Call the study team on +861088196114 now" in replies[0] and "emergency" in replies[0]
    (alert,) = alerts()
    assert "red_flag:chest_pain" in alert.reasons and "立即处理" in pages()[0].body


def test_same_term_within_24_hours_updates_the_open_alert(sms, on_call):
    sms("severe nausea")
    sms("nausea, very severe", at=sms.later(5))
    (alert,) = alerts()
    assert (alert.occurrences, alert.grade, alert.last_event_at) == (2, 3, sms.later(5))
    assert len(pages()) == 1  # nothing new to page: same grade, same reasons
    sms("severe nausea", at=sms.later(30))  # 25 h after the last event: a new alert
    assert [a.occurrences for a in alerts()] == [2, 1]


def test_a_worse_event_is_paged_again(sms, on_call, sintilimab_given):
    sms("fever 38.5")
    sms("fever 39.5", at=sms.later(2))
    (alert,) = alerts()
    assert (alert.grade, alert.occurrences) == (2, 2)  # measured CTCAE grade 1, then 2
    assert len(pages()) == 2 and all(sms_segments(p.body) <= 2 for p in pages())


def test_rise_of_two_since_the_last_report_escalates(sms):
    sms("no nausea")
    sms("moderate nausea", at=sms.later(48))
    (alert,) = alerts()
    assert alert.reasons == ["rise:0->2"] and alert.grade == 2


def test_fever_is_a_red_flag_only_after_immunotherapy(sms, sintilimab_given):
    replies = sms("fever 38.5")
    (item,) = reports()[0].items
    assert (item.ctcae_term, item.value, item.unit, item.measured_grade) == ("Fever", 38.5, "°C", 1)
    assert alerts()[0].reasons == ["red_flag:fever_measured"] and "emergency" in replies[0]


def test_fever_before_any_dose_is_recorded_not_escalated(sms):
    assert sms("fever 38.5") == [THANKS]
    assert alerts() == [] and reports()[0].items[0].measured_grade == 1


def test_unclear_twice_goes_to_the_nurse_as_free_text(sms):
    first = sms("the thing from tuesday")
    assert reports()[0].status == "awaiting_answer" and "did not understand" in first[0]
    second = sms("you know what I mean")
    assert second == ["We have passed your message to the study nurse. If it is urgent, call +861088196114."]
    (alert,) = alerts("symptom_unclear")
    assert alert.detail == "the thing from tuesday\nyou know what I mean"
    assert reports()[0].status == "complete" and not any("Thank you" in r for r in first + second)


def test_abandoned_question_is_closed_and_a_new_report_starts(sms, app):
    sms("feel sick")
    sms("headache severe", at=sms.later(13))
    old, new = reports()
    assert (old.status, [(i.ctcae_term, i.patient_grade) for i in old.items]) == ("complete", [("Nausea", None)])
    assert [(i.ctcae_term, i.patient_grade) for i in new.items] == [("Headache", 3)]


def test_close_abandoned_job(app, sms, clock):
    from app.common.jobs import run_job

    sms("feel sick")
    assert run_job(app, "abandoned-symptom-dialogues", sms.later(1)) == {"closed": 0}
    assert run_job(app, "abandoned-symptom-dialogues", sms.later(13)) == {"closed": 1}
    assert reports()[0].status == "complete"


def test_all_clear_records_no_symptoms_and_thanks_records_nothing(sms):
    assert sms("I feel fine!") == [] and sms("好") == [] and sms("0") == []
    assert [(r.status, r.items) for r in reports()] == [("complete", [])] * 3
    assert sms("谢谢👍") == [] and len(reports()) == 3
    sms("feel sick")
    assert sms("0") == [THANKS] and reports()[-1].items[0].severity == 0  # inside a dialogue "0" answers
