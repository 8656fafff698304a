"""Analysis populations, one definition for every report (pure).

PROTOCOL.md "Tumour response" and "Endpoints":
- **treated** (safety and efficacy; EFFFL = SAFFL): received at least one dose (HAIC or
  sintilimab) on or before the data cutoff. C1D1 is that first dose's date.
- **response-evaluable**: treated with a baseline scan holding >= 1 measurable target
  lesion (the ORR denominator).
- **liver-evaluable**: response-evaluable with >= 1 liver target lesion at baseline.

The safety report (app/adverse_events/reporting.py) and the efficacy report
(app/efficacy/services.py) both take their patients from ``is_treated`` over the C1D1s
that ``app.common.treated.first_doses`` reads, and both name the population with
``population_block``.
"""
from __future__ import annotations

from datetime import date

TREATED = "treated"
TREATED_DEFINITION = "received at least one dose (HAIC or sintilimab) on or before the data cutoff"
RESPONSE_EVALUABLE_DEFINITION = "treated, with >= 1 measurable target lesion on the baseline scan"
LIVER_EVALUABLE_DEFINITION = "response-evaluable, with >= 1 liver target lesion at baseline"


def c1d1_of(dose_dates) -> date | None:
    """C1D1 = the earliest date a dose was actually given; None before any dose."""
    return min((d for d in dose_dates if d is not None), default=None)


def is_treated(c1d1: date | None, cutoff: date) -> bool:
    """True when the patient received a dose on or before ``cutoff`` (the treated population)."""
    return c1d1 is not None and c1d1 <= cutoff


def treated_ids(c1d1_by_patient: dict, cutoff: date) -> set:
    """The keys of ``c1d1_by_patient`` (patient -> C1D1 or None) in the treated population."""
    return {key for key, c1d1 in c1d1_by_patient.items() if is_treated(c1d1, cutoff)}


def population_block(n_enrolled: int, n_treated: int, **counts) -> dict:
    """How a report names its population: {"name", "definition", "n_enrolled", "n_treated",
    "n_not_treated", **counts} (counts such as ``n_response_evaluable``)."""
    n_enrolled = max(n_enrolled, n_treated)  # every dosed patient was enrolled (clock skew aside)
    return {"name": TREATED, "definition": TREATED_DEFINITION, "n_enrolled": n_enrolled,
            "n_treated": n_treated, "n_not_treated": max(n_enrolled - n_treated, 0), **counts}
