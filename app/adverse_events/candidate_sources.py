"""Seams through which other domains add to the AE workflow without adverse_events importing them.

* Candidate sources: besides patient-reported symptoms (numeric ids, the original kind), a domain
  registers a source of AE candidates under an id prefix (`lab-12`); the candidate list and the
  confirm/dismiss routes dispatch on it. Registered once at app start by the domain's resources.
* Review checks: functions that look at a page of AEs and return flags for the investigator
  (e.g. a hand-typed lab AE whose grade disagrees with the recorded values).
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CandidateSource:
    """`pending(patient) -> [candidate dict]` shaped like `CandidateSchema`; `load(raw_id, patient)`
    → the candidate (404/409 as it sees fit); `confirm(actor, now, patient, candidate, fields)` →
    the AdverseEvent; `dismiss(actor, now, patient, candidate, reason)` → a review dict."""
    prefix: str
    pending: Callable
    load: Callable
    confirm: Callable
    dismiss: Callable


_SOURCES: dict[str, CandidateSource] = {}
_REVIEW_CHECKS: list[Callable] = []


def register(source: CandidateSource) -> None:
    _SOURCES[source.prefix] = source


def sources() -> list[CandidateSource]:
    return list(_SOURCES.values())


def resolve(candidate_id: str) -> tuple[CandidateSource | None, str]:
    """(source, raw id) for "lab-12"; (None, "17") for a symptom item's numeric id; (None, "") when unknown."""
    if candidate_id.isdigit():
        return None, candidate_id
    prefix, _, raw = candidate_id.partition("-")
    source = _SOURCES.get(prefix)
    return (source, raw) if source is not None and raw.isdigit() else (None, "")


def register_review_check(check: Callable) -> None:
    """`check(events) -> {event_id: [flag dict]}`, one query for the page at most."""
    if check not in _REVIEW_CHECKS:
        _REVIEW_CHECKS.append(check)


def review_flags(events) -> dict[int, list[dict]]:
    flags: dict[int, list[dict]] = {}
    for check in _REVIEW_CHECKS:
        for event_id, found in check(events).items():
            flags.setdefault(event_id, []).extend(found)
    return flags
