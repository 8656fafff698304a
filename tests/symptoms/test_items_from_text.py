"""Free text typed at the bedside read by the SMS parser into tablet items (symptoms.tablet.items_from_text)."""
from app.symptoms.tablet import items_from_text


def test_the_text_gives_terms_answers_measured_values_and_red_flags_denied_symptoms_left_out():
    items = {item["ctcae_term"]: item for item in items_from_text("有点恶心，拉了6次，发烧39度，不头痛")}
    assert set(items) == {"Nausea", "Diarrhea", "Fever"}
    assert items["Nausea"]["severity"] == 1 and items["Nausea"]["value"] is None
    assert (items["Fever"]["value"], items["Fever"]["unit"], items["Fever"]["red_flags"]) == (39.0, "°C", ["fever_measured"])
    assert (items["Diarrhea"]["value"], items["Diarrhea"]["unit"]) == (6.0, "stools/day")


def test_a_count_without_a_grading_unit_is_not_passed_as_a_value():
    [item] = items_from_text("vomited blood twice")
    assert item["red_flags"] == ["vomiting_blood"] and item["value"] is None and item["unit"] is None
    assert items_from_text("") == []
