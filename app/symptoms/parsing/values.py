"""Attach numbers to symptom mentions: temperatures to Fever, counts to Diarrhea/Vomiting,
0-4 scores and 0-10 pain scores to the symptom they follow."""

from __future__ import annotations

from app.symptoms.parsing.matching import Event
from app.symptoms.parsing.mention import DIARRHEA, FEVER, FEVER_THRESHOLD_C, VOMITING, Mention, raise_attribute
from app.symptoms.parsing.readings import Reading, contextual_temperature, nrs_to_severity

MIN_STOOLS_WITHOUT_SYMPTOM_WORD = 4  # up to 3 stools a day is within normal
COUNT_UNITS = {DIARRHEA: "stools/day", VOMITING: "episodes/day"}
MAX_GAP_FOR_SCORE = 2  # "nausea 3", "nausea: 3", "恶心 - 3"


def _new_mention(term: str, reading: Reading, clause: int, tokens: list[str]) -> Mention:
    return Mention(term, reading.position, reading.position + 1, clause, tokens[reading.position])


def _find_or_add(term: str, reading: Reading, clause: int, mentions: list[Mention],
                 tokens: list[str]) -> Mention:
    same_term = [m for m in mentions if m.term == term]
    in_clause = [m for m in same_term if m.clause == clause]
    if in_clause or same_term:
        return (in_clause or same_term)[0]
    mention = _new_mention(term, reading, clause, tokens)
    mentions.append(mention)
    return mention


def _set_temperature(mention: Mention, celsius: float) -> None:
    mention.value, mention.unit = celsius, "°C"
    # A measured temperature below the CTCAE threshold is a reported absence of fever.
    mention.negated = celsius < FEVER_THRESHOLD_C and mention.severity is None


def _preceding(reading: Reading, clause: int, mentions: list[Mention]) -> Mention | None:
    before = [m for m in mentions if m.end <= reading.position and not m.negated]
    same = [m for m in before if m.clause == clause]
    return (same or before or [None])[-1]


def _stool_cue_before(reading: Reading, clause: int, events: list[Event]) -> bool:
    return any(e.entry.kind == "stool_cue" and e.clause == clause and e.end <= reading.position
               for e in events)


def _apply_count(reading, clause, mentions, events, tokens) -> None:
    # A stool word in the clause ("拉了6次", "6 stools") makes the count a stool count.
    stool_count = reading.stool or _stool_cue_before(reading, clause, events)
    target = None if stool_count else _preceding(reading, clause, mentions)
    if stool_count:
        has_word = any(m.term == DIARRHEA for m in mentions)
        if not has_word and reading.value < MIN_STOOLS_WITHOUT_SYMPTOM_WORD:
            return
        target = _find_or_add(DIARRHEA, reading, clause, mentions, tokens)
    if target is not None:
        target.value, target.unit = reading.value, COUNT_UNITS.get(target.term, "times")


def _apply_plain(reading, clause, mentions, tokens) -> None:
    fevers = sorted((m for m in mentions if m.term == FEVER), key=lambda m: m.clause != clause)
    celsius = contextual_temperature(reading.value)
    if fevers and celsius is not None:
        _set_temperature(fevers[0], celsius)
        return
    before = _preceding(reading, clause, mentions)
    close = before is not None and reading.position - before.end <= MAX_GAP_FOR_SCORE - 1
    if close and reading.value in (0, 1, 2, 3, 4):
        raise_attribute(before, "severity", int(reading.value))


def _apply_score(reading, clause, mentions, severity) -> None:
    target = _preceding(reading, clause, mentions)
    if target is not None and severity is not None:
        raise_attribute(target, "severity", severity)


def apply_readings(mentions: list[Mention], readings: list[Reading], events: list[Event],
                   clause_of_token: list[int], tokens: list[str]) -> None:
    """Attach each reading to its symptom (adding Fever/Diarrhea when only a number says so)."""
    for reading in readings:
        clause = clause_of_token[reading.position]
        if reading.kind == "temperature":
            _set_temperature(_find_or_add(FEVER, reading, clause, mentions, tokens), reading.value)
        elif reading.kind == "count":
            _apply_count(reading, clause, mentions, events, tokens)
        elif reading.kind == "score":
            value = int(reading.value) if reading.value in (0, 1, 2, 3, 4) else None
            _apply_score(reading, clause, mentions, value)
        elif reading.kind == "nrs":
            _apply_score(reading, clause, mentions, nrs_to_severity(reading.value))
        else:
            _apply_plain(reading, clause, mentions, tokens)
