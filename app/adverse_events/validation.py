"""Checks of an AE against the CTCAE dictionary, the calendar and the seriousness rules.

Each failure is a 422 problem naming the field and saying what would be accepted.
"""
from datetime import date

from app.common.problems import ValidationProblem
from app.ctcae.catalogue import resolve_term, search_terms
from app.ctcae.facts import is_other_specify

SUGGESTIONS = 5


def _invalid(field, message, **extra):
    raise ValidationProblem(message, errors={field: [message]}, extra=extra)


def lookup_term(name: str):
    """The CTCAE v5.0 term called `name` (curated subset, then the imported official table),
    or a 422 suggesting the closest terms."""
    record = resolve_term(name)
    if record is not None:
        return record
    closest = [r.term for r in search_terms(name, limit=SUGGESTIONS)]
    hint = f" Did you mean: {', '.join(closest)}?" if closest else ""
    _invalid("ctcae_term", f"'{name}' is not a CTCAE v5.0 term.{hint}", suggestions=closest)


def check_other_specify(record, text: str | None) -> str | None:
    """The verbatim text of an "Other, specify" term (required), None for any other term.

    CTCAE v5.0 has one "<SOC> - Other, specify" term per SOC (26); the event itself is
    described by the reporter's words, kept verbatim (stripped only)."""
    text = (text or "").strip() or None
    if is_other_specify(record.term):
        if text is None:
            _invalid("other_specify", f"{record.term} needs the verbatim description in other_specify.")
        return text
    if text is not None:
        _invalid("other_specify", f"{record.term} is not an \"Other, specify\" term; leave other_specify out.")
    return None


def check_grade(record, grade: int) -> None:
    if grade not in record.grades:
        grades = ", ".join(str(g) for g in record.grades)
        _invalid("grade", f"{record.term} has no grade {grade} in CTCAE v5.0 (its grades are {grades}).")


def consent_date(patient) -> date | None:
    raw = (patient.screening.facts or {}).get("consent_signed_on")
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def check_dates(patient, today: date, onset: date, resolved: date | None) -> None:
    if onset > today:
        _invalid("onset_date", f"The onset date {onset} is in the future (today at the site is {today}).")
    consent = consent_date(patient)
    if consent is not None and onset < consent:
        _invalid("onset_date", f"The onset date {onset} is before informed consent ({consent}); "
                               "record it as medical history, not as an adverse event.")
    if resolved is not None and resolved < onset:
        _invalid("resolved_date", f"The resolution date {resolved} is before the onset date {onset}.")
    if resolved is not None and resolved > today:
        _invalid("resolved_date", f"The resolution date {resolved} is in the future (today is {today}).")


def check_grade_date(onset: date, today: date, effective: date) -> None:
    if effective < onset:
        _invalid("effective_date", f"A grade cannot take effect ({effective}) before the onset ({onset}).")
    if effective > today:
        _invalid("effective_date", f"The date {effective} is in the future (today is {today}).")


def check_seriousness(serious: bool, criteria: list) -> None:
    if serious and not criteria:
        _invalid("seriousness_criteria", "A serious adverse event needs at least one seriousness criterion "
                                         "(death, life_threatening, hospitalisation, disability, "
                                         "congenital_anomaly, important_medical_event).")
    if not serious and criteria:
        _invalid("seriousness_criteria", "Seriousness criteria are given but serious is false; "
                                         "set serious to true or remove the criteria.")


def check_fatal(grade: int, serious: bool, criteria: list, outcome: str | None) -> None:
    """Grade 5 is death: it is serious by the death criterion and its outcome is fatal."""
    if grade == 5 and not (serious and "death" in criteria):
        _invalid("seriousness_criteria", "A grade 5 adverse event is fatal: set serious to true with the "
                                         "'death' criterion.")
    if grade == 5 and outcome not in (None, "fatal"):
        _invalid("outcome", f"A grade 5 adverse event has the outcome 'fatal', not '{outcome}'.")
    if grade != 5 and outcome == "fatal":
        _invalid("outcome", "The outcome 'fatal' needs grade 5.")
