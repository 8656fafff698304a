"""The screening form: flat HTML fields ↔ the API's screening body (`facts` per FactsSchema),
the schema's nested errors back onto the fields they belong beside, and the live judgement.

Nothing here converts a unit or judges a criterion itself: lab units are offered from, and
converted by, `app.screening.labs` (the API's normalisation), criteria are judged by
`app.screening.eligibility.evaluate`. Field names:
  facts scalars by their API key (`ecog`, `child_pugh_score`, ...); yes/no facts as "yes"/"no"/"";
  `lab-<test>-value|unit|uln` per test; `history` (checkboxes) and `history_none`;
  `meta-<i>-site|treatable` (i < MAX_METASTASES) and `extrahepatic_none`;
  `contraception_agreed` "yes"/"no"/"na" (null: not applicable)/"" (unanswered).
"""
from dataclasses import dataclass, field
from datetime import date

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app.screening import eligibility, labs
from app.screening.lab_units import CANONICAL_UNIT, TIMES_ULN, fold_unit
from app.screening.schemas import LAB_TESTS, FactsSchema

MAX_METASTASES = 3
YES_NO_FACTS = ("metastatic_confirmed", "hbv_infected", "hbv_on_antiviral", "tumor_adjacent_to_hollow_organ",
                "sintilimab_allergy", "prior_immunotherapy", "immunosuppressant_within_4_weeks")
TYPED_FACTS = ("ecog", "histology", "liver_metastasis_pattern", "predicted_survival_months", "child_pugh_score",
               "residual_liver_volume_ml", "systemic_steroid_mg_prednisone_per_day", "consent_signed_on",
               "consent_version")
_ANSWERS = {"yes": True, "no": False}


def unit_choices(test: str) -> list[str]:
    """The units `labs.py` accepts for `test`, one spelling per meaning (its fold), as offered."""
    spellings: dict[str, str] = {}
    for unit in labs.accepted_units(test):
        spellings.setdefault(fold_unit(unit), unit)
    return list(spellings.values())


def needs_uln(test: str) -> bool:
    """Tests judged as × ULN take the site's upper limit of normal beside the value."""
    return CANONICAL_UNIT[test] == TIMES_ULN


@dataclass
class FactsForm:
    """`facts` read from a form: the raw API body and where each list entry came from."""
    facts: dict
    lab_tests: list[str] = field(default_factory=list)   # facts["labs"][i] came from lab-<lab_tests[i]>-*
    metastasis_rows: list[int] = field(default_factory=list)  # extrahepatic_metastases[i] ← meta-<row>-*


def read_facts(form) -> FactsForm:
    """The API's `facts` from the posted fields; blank answers are left out (the fact is missing)."""
    facts: dict = {}
    for key in TYPED_FACTS:
        if form.get(key, "").strip():
            facts[key] = form[key].strip()
    for key in YES_NO_FACTS:
        if form.get(key) in _ANSWERS:
            facts[key] = _ANSWERS[form[key]]
    if form.get("contraception_agreed") in ("yes", "no", "na"):
        facts["contraception_agreed"] = _ANSWERS.get(form["contraception_agreed"])
    history = form.getlist("history") if hasattr(form, "getlist") else form.get("history", [])
    if history or form.get("history_none"):
        facts["history"] = list(history)
    reading = FactsForm(facts)
    _read_labs(form, reading)
    _read_metastases(form, reading)
    return reading


def _read_labs(form, reading: FactsForm) -> None:
    entries = []
    for test in LAB_TESTS:
        value = form.get(f"lab-{test}-value", "").strip()
        if not value:
            continue
        entry = {"test": test, "value": value, "unit": form.get(f"lab-{test}-unit", "")}
        if needs_uln(test) and form.get(f"lab-{test}-uln", "").strip():
            entry["uln"] = form[f"lab-{test}-uln"].strip()
        entries.append(entry)
        reading.lab_tests.append(test)
    if entries:
        reading.facts["labs"] = entries


def _read_metastases(form, reading: FactsForm) -> None:
    rows = []
    for row in range(MAX_METASTASES):
        site = form.get(f"meta-{row}-site", "").strip()
        if not site:
            continue
        entry = {"site": site}
        if form.get(f"meta-{row}-treatable") in _ANSWERS:
            entry["locally_treatable"] = _ANSWERS[form[f"meta-{row}-treatable"]]
        rows.append(entry)
        reading.metastasis_rows.append(row)
    if rows or form.get("extrahepatic_none"):
        reading.facts["extrahepatic_metastases"] = rows


def field_errors(messages: dict, reading: FactsForm) -> dict[str, list[str]]:
    """A schema's nested messages ({"facts": {"labs": {0: {"value": [...]}}}}) keyed by form field."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key == "facts" and isinstance(value, dict):
            flat.update(_facts_errors(value, reading))
        else:
            flat[key] = _texts(value)
    return flat


def _facts_errors(messages: dict, reading: FactsForm) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key == "labs" and isinstance(value, dict):
            for index, entry in value.items():
                test = reading.lab_tests[int(index)]
                for part, texts in (entry.items() if isinstance(entry, dict) else (("value", entry),)):
                    flat[f"lab-{test}-{part if part in ('unit', 'uln') else 'value'}"] = _texts(texts)
        elif key == "extrahepatic_metastases" and isinstance(value, dict):
            for index, entry in value.items():
                row = reading.metastasis_rows[int(index)]
                for part, texts in entry.items():
                    flat[f"meta-{row}-{'site' if part == 'site' else 'treatable'}"] = _texts(texts)
        elif key == "history" and isinstance(value, dict):
            flat["history"] = [text for texts in value.values() for text in _texts(texts)]
        else:
            flat[key] = _texts(value)
    return flat


def _texts(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return [str(text) for text in value] if isinstance(value, list) else [str(value)]


@dataclass
class Judgement:
    """The live criteria for what was entered: fields in error are left out (judged as missing)."""
    result: eligibility.ScreeningResult
    labs: dict            # test → labs.LabValue (the domain's conversion, shown beside the criteria)
    errors: dict          # form field → messages (schema and lab-unit errors)
    ignored: list[str]    # fields left out of the judgement because of their errors


def judge(reading: FactsForm, birth_date: date | None, screened_on: date) -> Judgement:
    """Evaluate every criterion on the valid part of the form (no write)."""
    facts, errors = _valid_facts(reading)
    converted = _convert_labs(facts, reading, errors)
    result = eligibility.evaluate(facts, birth_date, screened_on)
    return Judgement(result, converted, errors, sorted(errors))


def _valid_facts(reading: FactsForm) -> tuple[dict, dict]:
    """FactsSchema's load of the form, dropping each value the schema refuses."""
    raw = {**reading.facts}
    try:
        return FactsSchema().load(raw), {}
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
    errors = _facts_errors(messages, reading)
    for key, value in messages.items():
        if key in ("labs", "extrahepatic_metastases") and isinstance(value, dict) and isinstance(raw.get(key), list):
            raw[key] = [entry for i, entry in enumerate(raw[key]) if i not in {int(k) for k in value}]
        else:
            raw.pop(key, None)
    try:
        return FactsSchema().load(raw), errors
    except ValidationError:  # only when dropping changed the meaning (e.g. an emptied list)
        return {}, errors


def _convert_labs(facts: dict, reading: FactsForm, errors: dict) -> dict:
    """Each lab through the domain's normalisation; one it refuses is kept out, with its error
    beside the field it concerns (unit, ULN or value)."""
    converted, kept = {}, []
    for entry in facts.get("labs") or ():
        try:
            converted[entry["test"]] = labs.normalise_lab(entry)
            kept.append(entry)
        except labs.LabUnitError as exc:
            part = "uln" if isinstance(exc, labs.MissingReferenceRange) else (
                "unit" if isinstance(exc, labs.UnknownUnit) else "value")
            errors[f"lab-{entry['test']}-{part}"] = [str(exc)]
    if "labs" in facts:
        facts["labs"] = kept
    return converted


def form_values(facts: dict | None) -> MultiDict:
    """A stored screening's `facts` as the form's fields (the inverse of `read_facts`)."""
    facts = facts or {}
    values = MultiDict()
    for key in TYPED_FACTS:
        if facts.get(key) is not None:
            values[key] = _plain(facts[key])
    for key in YES_NO_FACTS:
        if facts.get(key) is not None:
            values[key] = "yes" if facts[key] else "no"
    if "contraception_agreed" in facts:
        agreed = facts["contraception_agreed"]
        values["contraception_agreed"] = "na" if agreed is None else ("yes" if agreed else "no")
    for item in facts.get("history") or ():
        values.add("history", item)
    if facts.get("history") == []:
        values["history_none"] = "1"
    for entry in facts.get("labs") or ():
        for part in ("value", "unit", "uln"):
            if entry.get(part) is not None:
                values[f"lab-{entry['test']}-{part}"] = _plain(entry[part])
    for row, entry in enumerate((facts.get("extrahepatic_metastases") or ())[:MAX_METASTASES]):
        values[f"meta-{row}-site"] = entry.get("site", "")
        if entry.get("locally_treatable") is not None:
            values[f"meta-{row}-treatable"] = "yes" if entry["locally_treatable"] else "no"
    if facts.get("extrahepatic_metastases") == []:
        values["extrahepatic_none"] = "1"
    return values


def _plain(value) -> str:
    """6.0 → "6", 0.9 → "0.9": a stored number as the user would have typed it."""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def chosen_unit(test: str, typed: str | None) -> str:
    """The offered spelling of the unit `typed` (stored as "umol/L", offered as "µmol/L"), else the first."""
    choices = unit_choices(test)
    folded = fold_unit(typed or "")
    return next((unit for unit in choices if fold_unit(unit) == folded), choices[0])
