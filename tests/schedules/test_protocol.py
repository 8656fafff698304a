from datetime import date

import pytest
import yaml

from app.schedules.dosing import check_dose_interval, dose_for, DoseIntervalError
from app.schedules.protocol import (PROTOCOLS_DIR, ProtocolError, available_versions,
                                    load_protocol, load_protocol_file)

SHIPPED = PROTOCOLS_DIR / "nct06184841_v1.yaml"


def _document():
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def test_shipped_protocol_values(protocol):
    treatment = protocol.treatment
    assert protocol.version == "NCT06184841-v1"
    assert (treatment.cycle_length_days, treatment.max_months, protocol.horizon_months) == (21, 24, 24)
    assert [(d.kind, d.first_cycle, d.last_cycle) for d in treatment.drugs] == [
        ("sintilimab", 1, None), ("haic", 1, 6)]
    assert protocol.clinic.open_weekdays == frozenset({0, 1, 2, 3, 4})
    assert dict(protocol.clinic.daily_capacity) == {"haic": 4}
    assert [(s.code, s.days_after_last_dose, s.window.before) for s in protocol.safety_follow_up] == [
        ("SFU-30", 30, 7), ("SFU-90", 90, 14)]


@pytest.mark.parametrize("cycle, panels", [
    (1, ("cbc", "liver", "renal", "coagulation", "thyroid")),
    (2, ("cbc", "liver", "renal", "coagulation")),
    (3, ("cbc", "liver", "renal", "coagulation", "thyroid")),
    (34, ("cbc", "liver", "renal", "coagulation")),
])
def test_thyroid_panel_every_second_cycle(protocol, cycle, panels):
    assert protocol.labs.panels_for(cycle) == panels


def test_versions_and_unknown_version():
    assert available_versions() == ["NCT06184841-v1"]
    with pytest.raises(ProtocolError, match="unknown protocol version 'NCT06184841-v9'"):
        load_protocol("NCT06184841-v9")


def test_an_amendment_is_a_new_file_with_a_new_version(tmp_path):
    document = _document()
    document["version"] = "NCT06184841-v2"
    document["treatment"]["drugs"][1]["last_cycle"] = 4
    path = tmp_path / "nct06184841_v2.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    amended = load_protocol_file(path)
    assert (amended.version, amended.treatment.drugs[1].last_cycle) == ("NCT06184841-v2", 4)


def _set(document, dotted, value):
    *parents, last = dotted.split(".")
    for key in parents:
        document = document[int(key)] if isinstance(document, list) else document[key]
    if value is _DELETE:
        del document[last]
    else:
        document[last] = value


_DELETE = object()


@pytest.mark.parametrize("field, value, message", [
    ("version", _DELETE, "version: missing"),
    ("treatment.cycle_length_days", 0, "treatment.cycle_length_days: expected an integer >= 1, got 0"),
    ("treatment.d1_window.after", "three", "treatment.d1_window.after: expected an integer >= 0"),
    ("treatment.min_dose_interval_days", True, "min_dose_interval_days: expected an integer"),
    ("treatment.drugs.1.kind", "radiotherapy", "treatment.drugs[1].kind: expected one of"),
    ("treatment.drugs.1.last_cycle", 0, "treatment.drugs[1].last_cycle: expected an integer >= 1"),
    ("treatment.drugs.0.dose_rule", "nivolumab_240", "'nivolumab_240' is not in dose_rules"),
    ("dose_rules.sintilimab_flat_200.type", "bsa", "dose_rules.sintilimab_flat_200.type: expected one of"),
    ("dose_rules.sintilimab_orient15_weight.threshold_kg", -60, "threshold_kg: expected a positive number"),
    ("clinic.open_weekdays", ["mon", "funday"], "clinic.open_weekdays: unknown weekday(s) ['funday']"),
    ("clinic.daily_capacity.haic", 0, "clinic.daily_capacity.haic: expected an integer >= 1"),
    ("imaging.phases.0.until_week", None, "only the last phase may run until the horizon"),
    ("labs.panels", [], "labs.panels: expected a non-empty list"),
    ("survival_follow_up", "every 12 weeks", "survival_follow_up: expected a mapping"),
    ("labs.periodic_panels", "thyroid", "labs.periodic_panels: expected a list"),
    ("safety_follow_up.1.code", "SFU-30", "visit codes must be unique"),
])
def test_bad_protocol_files_fail_with_the_field_named(tmp_path, field, value, message):
    document = _document()
    _set(document, field, value)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(ProtocolError) as error:
        load_protocol_file(path)
    assert str(error.value).startswith("bad.yaml: ")
    assert message in str(error.value)


@pytest.mark.parametrize("text, message", [
    ("version: [unclosed", "not valid YAML"),
    ("- just\n- a list\n", "file: expected a mapping"),
])
def test_unparseable_files(tmp_path, text, message):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError, match=message):
        load_protocol_file(path)


@pytest.mark.parametrize("rule_id, weight_kg, expected_mg", [
    (None, 45.0, 200.0),  # the trial: flat 200 mg whatever the weight
    (None, None, 200.0),
    ("sintilimab_flat_200", 90.0, 200.0),
    ("sintilimab_orient15_weight", 55.3, 165.9),  # ORIENT-15: 3 mg/kg below 60 kg
    ("sintilimab_orient15_weight", 59.99, 180.0),
    ("sintilimab_orient15_weight", 60.0, 200.0),  # at the threshold: flat
    ("sintilimab_orient15_weight", 82.0, 200.0),
])
def test_dose_for(protocol, rule_id, weight_kg, expected_mg):
    assert dose_for(protocol, weight_kg, rule_id) == expected_mg


@pytest.mark.parametrize("rule_id, weight_kg, message", [
    ("sintilimab_orient15_weight", None, "needs the patient's weight"),
    ("sintilimab_orient15_weight", 0, "needs the patient's weight"),
    ("pembrolizumab", 70, "unknown dose rule 'pembrolizumab'"),
])
def test_dose_for_errors(protocol, rule_id, weight_kg, message):
    with pytest.raises(ValueError, match=message):
        dose_for(protocol, weight_kg, rule_id)


@pytest.mark.parametrize("previous, new, allowed", [
    (None, date(2025, 3, 3), True),
    (date(2025, 3, 3), date(2025, 3, 17), True),  # exactly 14 days
    (date(2025, 3, 3), date(2025, 3, 16), False),
    (date(2025, 3, 3), date(2025, 3, 3), False),
])
def test_check_dose_interval(protocol, previous, new, allowed):
    if allowed:
        assert check_dose_interval(previous, new, protocol) is None
    else:
        with pytest.raises(DoseIntervalError, match="requires at least 14 days"):
            check_dose_interval(previous, new, protocol)


@pytest.mark.parametrize("registry_text", [
    "NCT06184841",
    "Up to 2 years",  # every outcome's time frame: horizon_months = 24
    "Beijing Cancer Hospital",  # single site: one clinic calendar (Asia/Shanghai, CN holidays)
])
def test_the_protocol_cites_what_the_registry_says(protocol, shared_dir, registry_text):
    record = (shared_dir / "seed" / "NCT06184841.txt").read_text(encoding="utf-8")
    assert registry_text in record
    assert protocol.registry_id == "NCT06184841" and protocol.horizon_months == 24
