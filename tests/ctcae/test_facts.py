"""The shipped facts of all 837 CTCAE v5.0 terms, and exact official names before synonyms (issue 12)."""
import pytest

from app.ctcae import all_terms
from app.ctcae.facts import all_facts, is_other_specify, official_term, provenance


def test_all_837_terms_with_26_other_specify():
    facts = all_facts()
    assert len(facts) == 837 and len({f.term.lower() for f in facts}) == 837
    assert sum(f.other_specify for f in facts) == 26
    assert all(f.grades and set(f.grades) <= {1, 2, 3, 4, 5} for f in facts)


def test_the_shipped_file_is_what_the_generator_makes_from_the_official_table(shared_file):
    from scripts.generate_ctcae_facts import FACTS_OUTPUT, build, render

    source = shared_file("ctcae_v5.csv")
    assert FACTS_OUTPUT.read_text(encoding="utf-8") == render(build(source))
    assert provenance()["sha256"] == build(source)["sha256"]


def test_no_curated_synonym_is_an_official_term():
    """A synonym equal to an official name would steal that term (Abdominal distension -> Bloating)."""
    clashes = [(record.term, name) for record in all_terms() for name in record.synonyms_en
               if official_term(name) is not None and official_term(name).term != record.term]
    assert clashes == []


@pytest.mark.parametrize("name, term, code, grades", [
    ("Abdominal distension", "Abdominal distension", "10000060", (1, 2, 3)),
    ("  abdominal   DISTENSION ", "Abdominal distension", "10000060", (1, 2, 3)),
    ("Bloating", "Bloating", "10005265", (1, 2)),
    ("bloated", "Bloating", "10005265", (1, 2)),            # a curated synonym still works
    ("Atrial fibrillation", "Atrial fibrillation", "10003658", (1, 2, 3, 4, 5)),  # official, not curated
    ("腹胀", "Bloating", "10005265", (1, 2)),
])
def test_resolve_term_prefers_the_exact_official_name(app, name, term, code, grades):
    from app.ctcae.catalogue import resolve_term

    resolved = resolve_term(name)
    assert (resolved.term, resolved.meddra_code, resolved.grades) == (term, code, grades)


@pytest.mark.parametrize("term, expected", [
    ("Gastrointestinal disorders - Other, specify", True), ("investigations - other, specify", True),
    ("Nausea", False),
])
def test_other_specify_terms(term, expected):
    assert is_other_specify(term) is expected
