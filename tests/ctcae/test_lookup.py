"""Lookup API of the curated CTCAE subset."""

import pytest
from openpyxl import Workbook

from app.ctcae import CTCAE_VERSION, find_terms, get_term, grade_exists, load_official_table


@pytest.mark.parametrize("name, expected", [
    ("Nausea", "Nausea"),
    ("nausea", "Nausea"),
    ("  FEVER ", "Fever"),
    ("恶心", "Nausea"),
    ("拉肚子", "Diarrhea"),
    ("hand-foot syndrome", "Palmar-plantar erythrodysesthesia syndrome"),
    ("jaundice", "Blood bilirubin increased"),
    ("ALT increased", "Alanine aminotransferase increased"),
    ("Jaundice?", None),
    ("no such term", None),
])
def test_get_term(name, expected):
    record = get_term(name)
    assert (record.term if record else None) == expected


@pytest.mark.parametrize("term, grade, exists", [
    ("Fever", 5, True),
    ("Fever", 0, False),
    ("Syncope", 1, False),
    ("Syncope", 3, True),
    ("Nail ridging", 2, False),
    ("Febrile neutropenia", 2, False),
    ("Febrile neutropenia", 3, True),
    ("Catheter related infection", 1, False),
    ("Alanine aminotransferase increased", 5, False),
    ("Unknown thing", 1, False),
])
def test_grade_exists(term, grade, exists):
    assert grade_exists(term, grade) is exists


@pytest.mark.parametrize("query, lang, expected_first", [
    ("Nause", "en", "Nausea"),
    ("diarhea", "en", "Diarrhea"),
    ("platelet", "en", "Platelet count decreased"),
    ("throwing up", "en", "Vomiting"),
    ("呕吐", "zh", "Vomiting"),
    ("血小板", "zh", "Platelet count decreased"),
    ("转氨酶", "zh", "Alanine aminotransferase increased"),
    ("pnuemonitis", "en", "Pneumonitis"),
])
def test_find_terms_first_hit(query, lang, expected_first):
    assert find_terms(query, lang)[0].term == expected_first


@pytest.mark.parametrize("query", ["", "   ", "zzzzqqq"])
def test_find_terms_nothing(query):
    assert find_terms(query) == ()


def test_find_terms_results_unique_and_limited():
    hits = find_terms("pain", "en", limit=5)
    assert len(hits) == 5 and len({h.term for h in hits}) == 5


def test_records_carry_version():
    assert get_term("Fever").ctcae_version == CTCAE_VERSION == "5.0"


def test_load_official_table_reads_nci_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "CTCAE v5.0 Clean Copy"
    sheet.append(["MedDRA Code", "MedDRA SOC", "CTCAE Term", "Grade 1\u00a0", "Grade 2\u00a0",
                  "Grade 3\u00a0", "Grade 4\u00a0", "Grade 5\u00a0", "Definition", "CTCAE v5.0 Change"])
    sheet.append([10042772, "Nervous system disorders", "Syncope", " -", " -", "Fainting; orthostatic collapse",
                  " -", " -", "A disorder ...", "Clarification"])
    path = tmp_path / "ctcae.xlsx"
    workbook.save(path)
    (record,) = load_official_table(path)
    assert (record.term, record.meddra_code, record.existing_grades) == ("Syncope", "10042772", (3,))


def test_load_official_table_reads_csv(tmp_path):
    path = tmp_path / "mini.csv"
    path.write_text(
        "meddra_code,soc,term,grade_1,grade_2,grade_3,grade_4,grade_5,definition,navigational_note\n"
        '10016558,General disorders and administration site conditions,Fever,"38.0 - 39.0",">39","x","y",Death,d,\n',
        encoding="utf-8")
    (record,) = load_official_table(path)
    assert record.existing_grades == (1, 2, 3, 4, 5) and record.meddra_code == "10016558"
