"""assess() on parsed items and should_escalate() rules."""

import pytest

from app.symptoms.grading.escalation import EscalationContext, should_escalate
from app.symptoms.grading.grader import AssessedSymptom, assess, pro_grade
from app.symptoms.parsing.parser import parse_message


def _assessed(text, term):
    return next(assess(i) for i in parse_message(text).items if i.ctcae_term == term)


@pytest.mark.parametrize("text, term, patient, measured", [
    ("severe nausea", "Nausea", 3, None), ("mild nausea", "Nausea", 1, None),
    ("发烧39.5", "Fever", None, 2), ("拉了8次", "Diarrhea", None, 3), ("no fever", "Fever", 0, None),
    ("体温36.8", "Fever", 0, 0), ("吐了5次", "Vomiting", None, None),  # v5.0: no count-based vomiting grade
])
def test_assess(text, term, patient, measured):
    item = _assessed(text, term)
    assert (item.patient_grade, item.measured_grade, item.ctcae_version) == (patient, measured, "5.0")


def test_pro_grade_carries_version_and_method():
    result = pro_grade("Nausea", frequency=3, severity=3)
    assert (result.grade, result.method, result.ctcae_version) == (3, "frequency_x_severity", "5.0")


def test_diarrhea_baseline():
    item = parse_message("拉了6次").items[0]
    assert assess(item, baseline_stools_per_day=3).measured_grade == 1


def _item(grade=None, flags=(), negated=False, measured=None, term="Nausea"):
    return AssessedSymptom(term, "", negated, grade, measured, red_flags=flags)


@pytest.mark.parametrize("item, previous, context, escalate, reasons", [
    (_item(3), None, EscalationContext(), True, ("composite_grade:3",)),
    (_item(2), None, EscalationContext(), False, ()),
    (_item(2), 0, EscalationContext(), True, ("rise:0->2",)),
    (_item(2), 1, EscalationContext(), False, ()),
    (_item(3), 1, EscalationContext(), True, ("composite_grade:3", "rise:1->3")),
    (_item(None, ("chest_pain",)), None, EscalationContext(), True, ("red_flag:chest_pain",)),
    (_item(None, ("fever_measured",), measured=1, term="Fever"), None, EscalationContext(), True,
     ("red_flag:fever_measured",)),
    (_item(None, ("fever_measured",), measured=1, term="Fever"), None,
     EscalationContext(received_immunotherapy=False), False, ()),
    (_item(None, measured=3, term="Diarrhea"), None, EscalationContext(), True,
     ("measured_grade:3", "possible_immune_colitis:measured_grade:3")),
    (_item(None, measured=3, term="Diarrhea"), None, EscalationContext(received_immunotherapy=False), True,
     ("measured_grade:3",)),
    # Grade-2 diarrhoea after sintilimab: possible immune colitis (issue 11), before and without immunotherapy not
    (_item(None, measured=2, term="Diarrhea"), None, EscalationContext(), True,
     ("possible_immune_colitis:measured_grade:2",)),
    (_item(2, term="Diarrhea"), None, EscalationContext(), True, ("possible_immune_colitis:composite_grade:2",)),
    (_item(None, measured=2, term="Diarrhea"), None, EscalationContext(received_immunotherapy=False), False, ()),
    (_item(None, measured=1, term="Diarrhea"), None, EscalationContext(), False, ()),
    (_item(None, measured=2, term="Diarrhea", negated=True), None, EscalationContext(), False, ()),
    (_item(3, ("chest_pain",), negated=True), 0, EscalationContext(), False, ()),
])
def test_should_escalate(item, previous, context, escalate, reasons):
    assert should_escalate(item, previous, context) == (escalate, reasons)


@pytest.mark.parametrize("text, flag", [
    ("发烧38.5", "fever_measured"), ("bloody stool", "bloody_stool"), ("胸痛", "chest_pain"),
    ("躺着也喘", "dyspnea_at_rest"), ("眼睛发黄", "jaundice"), ("意识模糊", "confusion"),
    ("穿刺点出血", "catheter_site_bleeding"),
])
def test_every_protocol_red_flag_escalates_from_text(text, flag):
    item = assess(parse_message(text).items[0])
    assert should_escalate(item, None) == (True, (f"red_flag:{flag}",))


def test_fever_and_grade_2_diarrhoea_after_sintilimab_both_give_reasons():
    reasons = [r for item in parse_message("发烧38.6度，拉肚子一天5次").items
               for r in should_escalate(assess(item), None, EscalationContext(received_immunotherapy=True))[1]]
    assert reasons == ["red_flag:fever_measured", "possible_immune_colitis:measured_grade:2"]



@pytest.mark.parametrize("text, recorded, grade", [
    ("平时一天1次大便，今天拉了4次", None, 1),            # 4 over a stated 1
    ("normally 3 stools a day, today 8", None, 2),        # 8 over a stated 3
    ("normally 3 stools a day, today 8", 0, 3),           # a recorded baseline wins over the text
    ("usually twice a day, today 6 bowel movements", None, 2),
    ("拉了5次", None, 2),                                  # nothing stated, nothing recorded: over 0
])
def test_baseline_stated_in_the_text_is_used_when_none_is_recorded(text, recorded, grade):
    item = next(i for i in parse_message(text).items if i.ctcae_term == "Diarrhea")
    assert assess(item, baseline_stools_per_day=recorded).measured_grade == grade
