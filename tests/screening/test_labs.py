"""Lab-unit normalisation: explicit conversions, spelling variants, and refusals."""
import math

import pytest

from app.screening.lab_units import fold_unit
from app.screening.labs import (DuplicateLab, LabUnitError, MissingReferenceRange, UnknownTest, UnknownUnit,
                                accepted_units, normalise_lab, normalise_labs)


def lab(test, value, unit, uln=None):
    return {"test": test, "value": value, "unit": unit, "uln": uln}


@pytest.mark.parametrize("entry, expected, unit", [
    (lab("alt", 120, "U/L", uln=40), 3.0, "× ULN"),
    (lab("ast", 99.6, "IU/L", uln=40), 2.49, "× ULN"),
    (lab("alp", 2.4, "µkat/L", uln=2.0), 1.2, "× ULN"),
    (lab("alt", 2.5, "xULN"), 2.5, "× ULN"),
    (lab("alt", 2.5, "× ULN", uln=999), 2.5, "× ULN"),  # already × ULN: the uln is not applied twice
    (lab("total_bilirubin", 25.5, "µmol/L", uln=17.0), 1.5, "× ULN"),
    (lab("total_bilirubin", 1.49, "mg/dL", uln=1.0), 1.49, "× ULN"),
    (lab("pt", 19.5, "s", uln=13.0), 1.5, "× ULN"),
    (lab("inr", 1.8, "INR", uln=1.2), 1.5, "× ULN"),
    (lab("inr", 1.4, "ratio"), 1.4, "× ULN"),  # ULN 1.0 assumed
    (lab("wbc", 3.0, "10^9/L"), 3.0, "×10⁹/L"),
    (lab("anc", 1.5, "×10⁹/L"), 1.5, "×10⁹/L"),
    (lab("platelets", 75, "x10^9/L"), 75.0, "×10⁹/L"),
    (lab("platelets", 75, "G/L"), 75.0, "×10⁹/L"),
    (lab("platelets", 74900, "/mm3"), 74.9, "×10⁹/L"),
    (lab("platelets", 75, "10^3/uL"), 75.0, "×10⁹/L"),
    (lab("wbc", 3000, "cells/μL"), 3.0, "×10⁹/L"),
    (lab("hemoglobin", 100, "g/L"), 100.0, "g/L"),
    (lab("hemoglobin", 9.9, "g/dL"), 99.0, "g/L"),
    (lab("hemoglobin", 6.2, "mmol/L"), 99.882, "g/L"),
    (lab("bun", 40, "mg/dL"), 40.0, "mg/dL"),
    (lab("bun", 14.28, "mmol/L"), 40.004, "mg/dL"),
    (lab("creatinine", 2, "mg/dL"), 2.0, "mg/dL"),
    (lab("creatinine", 176.84, "µmol/L"), 2.0, "mg/dL"),
    (lab("creatinine", 88.42, "umol/l"), 1.0, "mg/dL"),
    (lab("hbv_dna", 99, "IU/mL"), 99.0, "IU/mL"),
    (lab("hbv_dna", 2, "log10 IU/mL"), 100.0, "IU/mL"),
])
def test_converts_to_the_canonical_unit(entry, expected, unit):
    value = normalise_lab(entry)
    assert value.value == pytest.approx(expected, rel=1e-4)
    assert value.unit == unit


@pytest.mark.parametrize("spelling, folded", [
    ("×10⁹/L", "109/l"), ("x10^9/L", "109/l"), ("10^9 / L", "109/l"), ("*10^9/l", "109/l"),
    ("µmol/L", "umol/l"), ("μmol/L", "umol/l"), ("UMOL/L", "umol/l"), (" umol / l ", "umol/l"),
    ("/mm³", "/mm3"), ("xULN", "xuln"), ("× ULN", "xuln"), ("ULN", "xuln"), ("times ULN", "xuln"),
])
def test_folds_spelling_variants(spelling, folded):
    assert fold_unit(spelling) == folded


@pytest.mark.parametrize("entry", [
    lab("hemoglobin", 10, "mg/dL"),
    lab("platelets", 75, "g/dL"),
    lab("creatinine", 0.02, "mg/mL"),  # the registry's typo is refused, not silently read as mg/dL
    lab("hbv_dna", 500, "copies/mL"),  # the IU factor depends on the assay: refuse
    lab("pt", 80, "%", uln=100),
    lab("alt", 40, "mmol/L", uln=40),
    lab("bun", 40, ""),
])
def test_unknown_unit_is_refused(entry):
    with pytest.raises(UnknownUnit) as caught:
        normalise_lab(entry)
    assert caught.value.test == entry["test"]
    assert caught.value.unit == entry["unit"]
    assert caught.value.accepted == accepted_units(entry["test"])


def test_unknown_unit_names_what_is_accepted_and_why():
    with pytest.raises(UnknownUnit) as caught:
        normalise_lab(lab("hbv_dna", 500, "copies/mL"))
    assert "IU/mL" in caught.value.accepted
    assert "assay" in str(caught.value)


@pytest.mark.parametrize("entry", [
    lab("alt", 80, "U/L"), lab("ast", 80, "IU/L"), lab("alp", 80, "U/L"),
    lab("total_bilirubin", 30, "µmol/L"), lab("pt", 14, "s"), lab("inr", 1.2, "INR", uln=0),
])
def test_ratio_to_uln_without_a_uln_is_refused(entry):
    with pytest.raises(MissingReferenceRange) as caught:
        normalise_lab(entry)
    assert isinstance(caught.value, LabUnitError)
    assert caught.value.test == entry["test"]


def test_inr_without_uln_assumes_one_and_says_so():
    value = normalise_lab(lab("inr", 1.6, "INR"))
    assert (value.value, value.uln_assumed) == (1.6, True)
    assert "assumed" in value.entered


@pytest.mark.parametrize("entry, entered", [
    (lab("alt", 120, "U/L", uln=40), "120 U/L, ULN 40"),
    (lab("hemoglobin", 9.9, "g/dL"), "9.9 g/dL"),
    (lab("hemoglobin", 99, "g/L"), ""),
    (lab("platelets", 60, "G/L"), ""),
])
def test_remembers_what_was_entered_when_converted(entry, entered):
    assert normalise_lab(entry).entered == entered


def test_normalise_labs_keys_by_test_and_skips_empty_values():
    values = normalise_labs([lab("alt", 1.0, "xULN"), lab("platelets", None, "G/L")])
    assert list(values) == ["alt"]


@pytest.mark.parametrize("entries", [None, []])
def test_no_labs_is_no_values(entries):
    assert normalise_labs(entries) == {}


@pytest.mark.parametrize("entries, error", [
    ([lab("alt", 1.0, "xULN"), lab("alt", 2.0, "xULN")], DuplicateLab),
    ([lab("lipase", 1.0, "xULN")], UnknownTest),
])
def test_ambiguous_or_unknown_entries_are_refused(entries, error):
    with pytest.raises(error):
        normalise_labs(entries)


def test_log_units_are_powers_of_ten():
    assert normalise_lab(lab("hbv_dna", 3.5, "log IU/mL")).value == pytest.approx(math.pow(10, 3.5))
