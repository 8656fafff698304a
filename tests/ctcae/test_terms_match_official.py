"""Every curated term matches the official CTCAE v5.0 table exactly."""

import csv

import pytest

from app.ctcae import CTCAE_VERSION, all_terms, load_official_table


REQUIRED = [
    "Fever", "Chills", "Alanine aminotransferase increased", "Aspartate aminotransferase increased",
    "Blood bilirubin increased", "Platelet count decreased", "Neutrophil count decreased", "Anemia",
    "Pneumonitis", "Colitis", "Hypothyroidism", "Hyperthyroidism", "Adrenal insufficiency",
    "Hyperglycemia", "Myocarditis", "Infusion related reaction", "Rash maculo-papular", "Pruritus",
    "Catheter related infection", "Hematoma", "Vascular access complication", "Abdominal pain",
    "Gastric ulcer", "Duodenal ulcer", "Cholecystitis", "Pancreatitis", "Nausea", "Vomiting",
    "Diarrhea", "Fatigue", "Anorexia", "Dyspnea", "Cough", "Chest pain - cardiac", "Confusion",
    "Mucositis oral", "Lower gastrointestinal hemorrhage", "Upper gastrointestinal hemorrhage",
]


@pytest.fixture(scope="module")
def official(shared_file):
    return {record.term: record for record in load_official_table(shared_file("ctcae_v5.csv"))}


@pytest.fixture(scope="module")
def pro_ctcae_terms(shared_file):
    path = shared_file("pro_ctcae.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return sorted({term for row in rows for term in row["ctcae_term"].split("|") if term})


def test_official_table_has_837_terms(official):
    assert len(official) == 837


@pytest.mark.parametrize("record", all_terms(), ids=lambda r: r.term)
def test_curated_term_matches_official(record, official):
    reference = official.get(record.term)
    assert reference is not None, f"{record.term!r} is not a CTCAE v5.0 term (spelling?)"
    assert (record.meddra_code, record.soc) == (reference.meddra_code, reference.soc)
    assert record.existing_grades == reference.existing_grades
    assert record.ctcae_version == CTCAE_VERSION


def test_every_pro_ctcae_counterpart_is_curated(pro_ctcae_terms):
    curated = {record.term for record in all_terms()}
    assert set(pro_ctcae_terms) - curated == set()


@pytest.mark.parametrize("term", REQUIRED)
def test_required_term_is_curated(term):
    assert term in {record.term for record in all_terms()}


def test_no_jaundice_term_in_v5(official):
    assert "Jaundice" not in official
