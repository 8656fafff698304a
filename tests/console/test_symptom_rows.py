"""The bedside form's rows ⇄ the API's tablet items (pure, no app)."""
from app.console.symptom_rows import items_from_rows, row_errors, row_from_item, rows_from_form, with_blank_rows


def test_posted_rows_become_items_with_numbers_and_blank_fields_left_out():
    form = {"items-0-ctcae_term": "Nausea", "items-0-patient_grade": "2", "items-1-ctcae_term": "",
            "items-2-ctcae_term": "Fever", "items-2-value": "39.5", "items-2-unit": "°C",
            "items-2-red_flags": "fever_measured", "items-x-ctcae_term": "ignored", "text": "hi"}
    rows = rows_from_form(form)
    assert [row["ctcae_term"] for row in rows] == ["Nausea", "", "Fever"]
    items, where = items_from_rows(rows)
    assert items == [{"ctcae_term": "Nausea", "patient_grade": 2},
                     {"ctcae_term": "Fever", "value": "39.5", "unit": "°C", "red_flags": ["fever_measured"]}]
    assert where == [0, 2]


def test_errors_are_put_beside_the_row_that_caused_them():
    errors = {"items": {"1": {"patient_grade": ["Must be between 0 and 3."]}}, "text": ["Too long."]}
    assert row_errors(errors, [0, 2]) == {"items-2-patient_grade": ["Must be between 0 and 3."], "text": ["Too long."]}
    assert row_errors({"items": ["Name one."]}, []) == {"items": ["Name one."]}


def test_parsed_items_become_rows_of_strings_plus_blank_rows():
    row = row_from_item({"ctcae_term": "Diarrhea", "value": 6.0, "unit": "stools/day", "red_flags": ["bloody_stool"]})
    assert (row["value"], row["red_flags"], row["patient_grade"]) == ("6", "bloody_stool", "")
    rows = with_blank_rows([row, dict.fromkeys(row, "")], 2)
    assert len(rows) == 3 and rows[0] is row and not any(rows[2].values())
