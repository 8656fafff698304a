"""SMS dialogue flows."""

from datetime import datetime, timedelta, timezone

import pytest

from app.symptoms.dialogue.conversation import ConversationState, DialogueSettings, handle_message

PHONE = "+86 10 8819 6000"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
SETTINGS = DialogueSettings(site_phone=PHONE)


def _texts(outcome):
    return tuple(reply.text for reply in outcome.replies)


def _run(messages, language="en", settings=SETTINGS, step=timedelta(minutes=5)):
    state, outcomes = ConversationState(), []
    for n, text in enumerate(messages):
        outcome = handle_message(state, text, T0 + n * step, language, settings)
        outcomes.append(outcome)
        state = outcome.state
    return outcomes


def test_missing_severity_asks_one_question():
    (outcome,) = _run(["feel sick"])
    assert _texts(outcome) == ("How bad is the nausea now? Reply 0 none, 1 mild, 2 moderate, 3 severe, "
                               "4 very severe.",)
    assert [q.term for q in outcome.state.questions] == ["Nausea"] and not outcome.completed_items


def test_bare_number_answers_open_question():
    _, outcome = _run(["feel sick", "2"])
    (item,) = outcome.completed_items
    assert (item.ctcae_term, item.severity, item.patient_grade) == ("Nausea", 2, 2)
    assert _texts(outcome) == ("Thank you, we have recorded your report.",) and not outcome.state.questions


@pytest.mark.parametrize("answer, severity", [("moderate", 2), ("three", 3), ("0", 0), ("nausea is severe", 3)])
def test_answer_forms(answer, severity):
    assert _run(["feel sick", answer])[1].completed_items[0].severity == severity


def test_several_symptoms_asked_one_at_a_time():
    first, second, third = _run(["恶心，头疼", "1", "3"], language="zh")
    assert len(first.replies) == 1 and "恶心" in first.replies[0].text
    assert "头疼" in second.replies[0].text and second.completed_items[0].ctcae_term == "Nausea"
    assert third.completed_items[0].ctcae_term == "Headache" and third.completed_items[0].severity == 3


def test_frequency_asked_for_frequency_only_item():
    (outcome,) = _run(["拉肚子"], language="zh")
    assert outcome.state.questions[0].attribute == "frequency" and "多常" in outcome.replies[0].text


def test_complete_message_needs_no_question():
    (outcome,) = _run(["mild nausea, no fever"])
    assert {i.ctcae_term for i in outcome.completed_items} == {"Nausea", "Fever"}
    assert not outcome.state.questions and _texts(outcome) == ("Thank you, we have recorded your report.",)


def test_unclear_answer_reprompts_once_then_goes_to_nurse():
    _, reprompt, nurse = _run(["feel sick", "what?", "hmm I dunno"])
    assert "e.g. 2" in reprompt.replies[0].text and not reprompt.for_nurse_free_text
    assert reprompt.state.questions[0].reprompted
    assert nurse.for_nurse_free_text and PHONE in nurse.replies[0].text
    assert not any("Thank you" in r for r in _texts(reprompt) + _texts(nurse))
    assert nurse.completed_items[0].severity is None and not nurse.state.questions


def test_unclear_message_without_question():
    first, second = _run(["blah", "blah blah"])
    assert "describe your symptom" in first.replies[0].text and not first.for_nurse_free_text
    assert second.for_nurse_free_text and not any("Thank" in r for r in _texts(first) + _texts(second))


def test_question_expires():
    settings = DialogueSettings(site_phone=PHONE, expiry=timedelta(hours=12))
    first, late = _run(["feel sick", "2"], settings=settings, step=timedelta(hours=13))
    assert late.completed_items[0].severity is None  # closed unanswered, "2" is not taken as its answer
    assert "describe your symptom" in late.replies[0].text


def test_red_flag_escalates_at_once_with_emergency_advice():
    (outcome,) = _run(["chest pain"])
    assert outcome.escalations[0].reasons == ("red_flag:chest_pain",)
    assert PHONE in outcome.replies[0].text and "emergency" in outcome.replies[0].text


def test_measured_fever_escalates_in_chinese():
    (outcome,) = _run(["发烧38.6"], language="zh")
    assert outcome.escalations and "急诊" in outcome.replies[0].text and PHONE in outcome.replies[0].text


def test_temperature_question_for_fever_word():
    first, second = _run(["发烧", "38.6"], language="zh")
    assert first.state.questions[0].attribute == "temperature"
    assert second.completed_items[0].measured_grade == 1 and second.escalations


def test_composite_three_escalates_with_nurse_reply():
    _, outcome = _run(["feel sick", "4"])
    assert outcome.escalations[0].reasons == ("composite_grade:3",)
    assert outcome.replies[0].text.startswith("A study nurse will review") and PHONE in outcome.replies[0].text


def test_rise_of_two_escalates():
    settings = DialogueSettings(site_phone=PHONE, previous_grades={"Nausea": 0})
    _, outcome = _run(["feel sick", "2"], settings=settings)
    assert outcome.escalations[0].reasons == ("rise:0->2",)


def test_new_symptom_while_question_open_is_queued():
    first, second = _run(["feel sick", "also a headache"])
    assert [q.term for q in second.state.questions] == ["Nausea", "Headache"]
    assert "nausea" in second.replies[0].text
