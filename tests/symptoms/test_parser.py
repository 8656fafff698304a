"""Parser: terms, negation, scales, numbers, languages, typos, emoji, red flags."""

import pytest

from app.symptoms.parsing.parser import parse_message


def _items(text):
    return {i.ctcae_term: i for i in parse_message(text).items}


@pytest.mark.parametrize("text, term", [
    ("feel sick", "Nausea"), ("throwing up", "Vomiting"), ("the runs", "Diarrhea"),
    ("恶心", "Nausea"), ("想吐", "Nausea"), ("拉肚子", "Diarrhea"), ("没胃口", "Anorexia"),
    ("起疹子", "Rash maculo-papular"), ("喘不上气", "Dyspnea"), ("肚子疼", "Abdominal pain"),
    ("烧心", "Dyspepsia"), ("吐痰", "Cough"), ("my stomach really hurts", "Abdominal pain"),
    ("肚子很疼", "Abdominal pain"), ("穿刺的地方有点疼", "Vascular access complication"),
])
def test_term_found(text, term):
    assert term in _items(text)


@pytest.mark.parametrize("text, term, negated", [
    ("no fever", "Fever", True), ("不发烧", "Fever", True), ("没有恶心", "Nausea", True),
    ("fever", "Fever", False), ("烧退了", "Fever", True), ("nausea is gone", "Nausea", True),
    ("denies vomiting", "Vomiting", True), ("没发烧有点恶心", "Nausea", False),
    ("no fever and I have diarrhea", "Diarrhea", False), ("no fever or chills", "Chills", True),
    ("没有发烧和咳嗽", "Cough", True), ("没有胃口", "Anorexia", False), ("no appetite", "Anorexia", False),
])
def test_negation(text, term, negated):
    assert _items(text)[term].negated is negated


@pytest.mark.parametrize("text, term, severity", [
    ("mild nausea", "Nausea", 1), ("moderate nausea", "Nausea", 2), ("severe nausea", "Nausea", 3),
    ("very severe nausea", "Nausea", 4), ("轻微恶心", "Nausea", 1), ("有点恶心", "Nausea", 1),
    ("很恶心", "Nausea", 3), ("特别恶心", "Nausea", 3), ("恶心得受不了", "Nausea", 4),
    ("恶心，很厉害", "Nausea", 3), ("nausea 2", "Nausea", 2), ("恶心 3分", "Nausea", 3),
    ("pain 8/10", "Pain", 3), ("headache 4/10", "Headache", 2), ("nausea", "Nausea", None),
])
def test_severity(text, term, severity):
    assert _items(text)[term].severity == severity


@pytest.mark.parametrize("text, frequency", [
    ("sometimes nauseous", 2), ("偶尔恶心", 1), ("经常恶心", 3), ("nauseous all the time", 4),
])
def test_frequency(text, frequency):
    assert _items(text)["Nausea"].frequency == frequency


@pytest.mark.parametrize("text, value", [
    ("发烧38.5", 38.5), ("temp 38.4", 38.4), ("体温39.2℃", 39.2), ("38度5", 38.5),
    ("发烧三十八度五", 38.5), ("101.5F", 38.6), ("fever of 102", 38.9), ("I measured 39 degrees", 39.0),
    ("１０１°F", 38.3), ("🤒 38.2", 38.2),
])
def test_temperature_read_in_celsius(text, value):
    fever = _items(text)["Fever"]
    assert (fever.value, fever.unit) == (value, "°C")


@pytest.mark.parametrize("text, negated, flags", [
    ("发烧38.5", False, ("fever_measured",)), ("体温36.8", True, ()), ("temp 37.9", True, ()),
    ("temp 38.0", False, ("fever_measured",)),
])
def test_measured_fever_threshold(text, negated, flags):
    fever = _items(text)["Fever"]
    assert (fever.negated, fever.red_flags) == (negated, flags)


@pytest.mark.parametrize("text, stools", [
    ("6 stools a day", 6), ("拉了6次", 6), ("拉肚子拉了8次", 8), ("diarrhea 8 times today", 8),
    ("拉了十次", 10), ("大便5次", 5),
])
def test_stool_count_goes_to_diarrhea(text, stools):
    diarrhea = _items(text)["Diarrhea"]
    assert (diarrhea.value, diarrhea.unit) == (stools, "stools/day")


@pytest.mark.parametrize("text", ["大便2次", "大便3次", "went to the toilet 2 times"])
def test_normal_stool_counts_are_not_diarrhea(text):
    assert "Diarrhea" not in _items(text)


@pytest.mark.parametrize("text, flag, term", [
    ("blood in my stool", "bloody_stool", "Lower gastrointestinal hemorrhage"),
    ("大便是黑的", "bloody_stool", "Upper gastrointestinal hemorrhage"),
    ("大便有点发黑", "bloody_stool", "Upper gastrointestinal hemorrhage"),
    ("chest pain", "chest_pain", "Chest pain - cardiac"), ("胸口有点闷", "chest_pain", "Chest pain - cardiac"),
    ("short of breath at rest", "dyspnea_at_rest", "Dyspnea"), ("喘不上气，躺着也喘", "dyspnea_at_rest", "Dyspnea"),
    ("my eyes look yellow", "jaundice", "Blood bilirubin increased"), ("眼白有点黄", "jaundice", "Blood bilirubin increased"),
    ("he is confused", "confusion", "Confusion"), ("说胡话", "confusion", "Confusion"),
    ("穿刺的地方出血", "catheter_site_bleeding", "Vascular access complication"),
    ("groin is bleeding", "catheter_site_bleeding", "Vascular access complication"),
])
def test_red_flags(text, flag, term):
    assert flag in _items(text)[term].red_flags


@pytest.mark.parametrize("text", ["no chest pain", "没有胸痛", "not short of breath"])
def test_negated_items_carry_no_flags(text):
    assert all(not i.red_flags for i in parse_message(text).items)


@pytest.mark.parametrize("text, language, mixed", [
    ("feel sick", "en", False), ("恶心", "zh", False), ("feel sick 有点想吐", "zh", True), ("🤢", None, False),
    ("3", None, False), ("发烧38.5°C", "zh", False), ("feeling sick and tired 恶心", "en", True),
])
def test_language(text, language, mixed):
    parsed = parse_message(text)
    assert (parsed.language, parsed.mixed) == (language, mixed)


@pytest.mark.parametrize("text, term", [
    ("nausia", "Nausea"), ("diarhea", "Diarrhea"), ("vomitting", "Vomiting"), ("headach", "Headache"),
    ("exausted", "Fatigue"), ("my stomache hurts", "Abdominal pain"),
])
def test_typos(text, term):
    assert term in _items(text)


@pytest.mark.parametrize("text, terms", [
    ("🤢", {"Nausea"}), ("🤮🤮", {"Vomiting"}), ("🤒", {"Fever"}), ("🤢🤮", {"Nausea", "Vomiting"}),
])
def test_emoji(text, terms):
    assert set(_items(text)) == terms


def test_several_symptoms_in_one_message():
    items = _items("不发烧，有点恶心，拉了6次")
    assert (items["Fever"].negated, items["Nausea"].severity, items["Diarrhea"].value) == (True, 1, 6)


@pytest.mark.parametrize("text, number, value", [("3", 3, 3.0), ("three", 3, 3.0), ("38.2", None, 38.2), ("ok", None, None)])
def test_bare_number(text, number, value):
    result = parse_message(text)
    assert (result.bare_number, result.bare_value) == (number, value)


@pytest.mark.parametrize("text, severity, frequency", [("mild", 1, None), ("很严重", 3, None), ("偶尔", None, 1)])
def test_bare_scale_words(text, severity, frequency):
    result = parse_message(text)
    assert (result.bare_severity, result.bare_frequency, result.items) == (severity, frequency, ())


@pytest.mark.parametrize("text", ["thanks, all good", "什么时候复查？", "", "   "])
def test_no_symptoms(text):
    assert parse_message(text).items == ()


def test_unknown_words_reported():
    assert "zorbly" in parse_message("feeling zorbly today").unknown_words
