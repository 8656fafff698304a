"""Lab results in SI: the screening's unit rules plus SI values, reference limits and plausibility."""
import pytest

from app.labs.units import ImplausibleValue, MissingLowerLimit, normalise_result
from app.screening.labs import MissingReferenceRange, UnknownTest, UnknownUnit


@pytest.mark.parametrize("entry, value_si, unit_si, times_uln", [
    ({"test": "platelets", "value": 60, "unit": "×10⁹/L", "lln": 100}, 60, "×10⁹/L", None),
    ({"test": "platelets", "value": 60000, "unit": "/µL", "lln": 100000}, 60, "×10⁹/L", None),
    ({"test": "anc", "value": 1.2, "unit": "10^9/L", "lln": 1.8}, 1.2, "×10⁹/L", None),
    ({"test": "hemoglobin", "value": 9.5, "unit": "g/dL", "lln": 13}, 95, "g/L", None),
    ({"test": "albumin", "value": 3.2, "unit": "g/dL", "lln": 3.5}, 32, "g/L", None),
    ({"test": "creatinine", "value": 1.0, "unit": "mg/dL", "uln": 1.2}, 88.42, "µmol/L", 1 / 1.2),
    ({"test": "creatinine", "value": 106, "unit": "µmol/L", "uln": 106}, 106, "µmol/L", 1.0),
    ({"test": "alt", "value": 120, "unit": "U/L", "uln": 40}, 120, "U/L", 3.0),
    ({"test": "alt", "value": 2, "unit": "µkat/L", "uln": 0.5}, 120, "U/L", 4.0),
    ({"test": "ggt", "value": 3, "unit": "xULN"}, 3, "× ULN", 3.0),
    ({"test": "total_bilirubin", "value": 1.0, "unit": "mg/dL", "uln": 1.2}, 17.104, "µmol/L", 1 / 1.2),
    ({"test": "bun", "value": 28.014, "unit": "mg/dL"}, 10, "mmol/L", None),
    ({"test": "tsh", "value": 2.5, "unit": "µIU/mL"}, 2.5, "mIU/L", None),
    ({"test": "free_t4", "value": 1.0, "unit": "ng/dL"}, 12.87, "pmol/L", None),
])
def test_values_in_si(entry, value_si, unit_si, times_uln):
    result = normalise_result(entry)
    assert result.value_si == pytest.approx(value_si) and result.unit_si == unit_si
    assert result.times_uln == (None if times_uln is None else pytest.approx(times_uln))


def test_reference_limits_follow_the_unit():
    result = normalise_result({"test": "hemoglobin", "value": 9.5, "unit": "g/dL", "lln": 13, "uln": 17.5})
    assert (result.lln_si, result.uln_si) == (pytest.approx(130), pytest.approx(175))


@pytest.mark.parametrize("entry, error", [
    ({"test": "platelets", "value": 90000, "unit": "×10⁹/L", "lln": 100}, ImplausibleValue),
    ({"test": "platelets", "value": 60, "unit": "mg/dL", "lln": 100}, UnknownUnit),
    ({"test": "hemoglobin", "value": 95, "unit": "×10⁹/L", "lln": 130}, UnknownUnit),
    ({"test": "platelets", "value": 60, "unit": "×10⁹/L"}, MissingLowerLimit),
    ({"test": "alt", "value": 120, "unit": "U/L"}, MissingReferenceRange),
    ({"test": "creatinine", "value": 1.0, "unit": "mg/dL"}, MissingReferenceRange),
    ({"test": "alt", "value": 900, "unit": "xULN"}, ImplausibleValue),
    ({"test": "lipase", "value": 1, "unit": "U/L"}, UnknownTest),
])
def test_refusals(entry, error):
    with pytest.raises(error):
        normalise_result(entry)
