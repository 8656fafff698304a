"""The safety table from plain data: what the statistician computes by hand.

Population: patients with at least one dose on or before the cutoff (n_treated).
Counts are patients, not events: a patient with several events of one term counts once,
at the worst grade of those events. Events with onset after the cutoff and grade changes
dated after it are ignored. Categories:
  any_ae        any AE
  teae          treatment-emergent (flags.is_teae at the cutoff)
  trae          TEAE with a study-treatment cause possible/probable/definite
  irae          TEAE judged immune-related by the investigator
  aesi          adverse event of special interest
  sae           serious adverse event
  grade_3_plus  any AE whose worst grade is >= 3
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from app.adverse_events import flags

CATEGORIES = ("any_ae", "teae", "trae", "irae", "aesi", "sae", "grade_3_plus")


@dataclass(frozen=True)
class EventFacts:
    patient_id: int
    ctcae_term: str
    soc: str
    onset_date: date
    history: tuple  # of flags.GradeEntry
    serious: bool = False
    immune_related: bool = False
    aesi: bool = False
    attribution: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CountedEvent:
    """One event as seen at the cutoff."""

    patient_id: int
    ctcae_term: str
    soc: str
    worst: int
    categories: frozenset


def _categories(event: EventFacts, first_dose: date, cutoff: date, worst: int) -> frozenset:
    teae = flags.is_teae(event.onset_date, event.history, first_dose, cutoff)
    related = flags.is_treatment_related(event.attribution)
    marks = {"any_ae": True, "teae": teae, "trae": teae and related, "irae": teae and event.immune_related,
             "aesi": event.aesi, "sae": event.serious, "grade_3_plus": worst >= 3}
    return frozenset(name for name, on in marks.items() if on)


def counted_events(events, first_doses: dict, cutoff: date):
    """The events that count at `cutoff` (treated patients, onset by the cutoff)."""
    for event in events:
        first_dose = first_doses.get(event.patient_id)
        worst = flags.worst_grade(event.history, cutoff)
        if first_dose is None or first_dose > cutoff or event.onset_date > cutoff or worst is None:
            continue
        yield CountedEvent(event.patient_id, event.ctcae_term, event.soc, worst,
                           _categories(event, first_dose, cutoff, worst))


def proportion(n: int, denominator: int) -> dict:
    return {"n": n, "pct": round(100.0 * n / denominator, 1) if denominator else None}


def _patients_by_category(counted) -> dict:
    patients = defaultdict(set)
    for event in counted:
        for category in event.categories:
            patients[category].add(event.patient_id)
    return patients


def _worst_by_key(counted, key) -> dict:
    """key -> {patient -> worst grade}: one patient per key, at the worst grade."""
    table = defaultdict(dict)
    for event in counted:
        row = table[key(event)]
        row[event.patient_id] = max(event.worst, row.get(event.patient_id, 0))
    return table


def _frequency_rows(table: dict, n_treated: int, label) -> list:
    rows = [label(key) | {"any_grade": proportion(len(worst), n_treated),
                          "grade_3_plus": proportion(sum(g >= 3 for g in worst.values()), n_treated)}
            for key, worst in table.items()]
    # Most frequent first; ties by severity, then alphabetically so the order is stable.
    return sorted(rows, key=lambda r: (-r["any_grade"]["n"], -r["grade_3_plus"]["n"],
                                       r.get("soc", ""), r.get("ctcae_term", "")))


def safety_table(events, first_doses: dict, cutoff: date) -> dict:
    """The safety report as of `cutoff`; `first_doses` maps patient id -> first dose date."""
    n_treated = sum(1 for d in first_doses.values() if d is not None and d <= cutoff)
    counted = list(counted_events(events, first_doses, cutoff))
    patients = _patients_by_category(counted)
    report = {"cutoff": cutoff, "n_treated": n_treated}
    report |= {name: proportion(len(patients[name]), n_treated) for name in CATEGORIES}
    by_term = _worst_by_key(counted, lambda e: (e.soc, e.ctcae_term))
    by_soc = _worst_by_key(counted, lambda e: e.soc)
    report["by_term"] = _frequency_rows(by_term, n_treated, lambda k: {"ctcae_term": k[1], "soc": k[0]})
    report["by_soc"] = _frequency_rows(by_soc, n_treated, lambda k: {"soc": k})
    return report
