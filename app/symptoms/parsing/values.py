"""Attach numbers to symptom mentions: temperatures to Fever, counts to Diarrhea/Vomiting,
0-4 scores and 0-10 pain scores to the symptom they follow.

Several readings of one measure in one text (PROTOCOL.md): the worst one is kept, so
"39.6 last night, 37.5 this morning" is 39.6 and "拉了8次，今天3次" is 8. A measured
temperature decides Fever for the whole text: any reading >= 38.0 °C reports a fever (a
normal reading or "no fever" beside it never cancels it); only normal readings deny it.
"""

from __future__ import annotations

from app.symptoms.parsing.matching import Event
from app.symptoms.parsing.mention import DIARRHEA, FEVER, FEVER_THRESHOLD_C, VOMITING, Mention, raise_attribute
from app.symptoms.parsing.readings import CELSIUS_RANGE, Reading, contextual_temperature, nrs_to_severity

MIN_STOOLS_WITHOUT_SYMPTOM_WORD = 4  # up to 3 stools a day is within normal
COUNT_UNITS = {DIARRHEA: "stools/day", VOMITING: "episodes/day"}
MAX_GAP_FOR_SCORE = 2  # "nausea 3", "nausea: 3", "恶心 - 3"
MAX_STOOLS_A_DAY = 40  # a bare number above this is not a stool count
BODY_TEMPERATURE_RANGE = (35.0, 42.9)
# Units after a number that make it something other than a temperature ("38.5 kg").
NON_TEMPERATURE_UNITS = frozenset({"kg", "kgs", "kilo", "kilos", "lb", "lbs", "pounds", "mg", "ml", "g", "l",
                                   "mmol", "%", "cm", "mm", "u", "iu", "斤", "公", "千", "毫", "厘", "岁", "元", "块"})


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
    """Keep the highest temperature read for this mention (the worst reading is graded)."""
    if mention.value is None or mention.unit != "°C" or celsius > mention.value:
        mention.value, mention.unit = celsius, "°C"


def _settle_fever(mentions: list[Mention]) -> None:
    """Every Fever mention takes the text's worst temperature; it alone says fever or not.

    A measured temperature below the CTCAE threshold is a reported absence of fever (CTCAE
    defines fever by the temperature); one at or above it is a fever even beside "no fever".
    """
    fevers = [m for m in mentions if m.term == FEVER]
    readings = [m.value for m in fevers if m.unit == "°C" and m.value is not None]
    if not readings:
        return
    worst = max(readings)
    for mention in fevers:
        mention.value, mention.unit = worst, "°C"
        mention.negated = worst < FEVER_THRESHOLD_C


def _preceding(reading: Reading, clause: int, mentions: list[Mention]) -> Mention | None:
    before = [m for m in mentions if m.end <= reading.position and not m.negated]
    same = [m for m in before if m.clause == clause]
    return (same or before or [None])[-1]


def _cue_in_clause(kind: str, reading: Reading, clause: int, events: list[Event], before_only=True) -> bool:
    return any(e.entry.kind == kind and e.clause == clause and (e.end <= reading.position or not before_only)
               for e in events)


def _set_count(target: Mention, value: float) -> None:
    """The most episodes said for this symptom ("8 yesterday, 3 today" -> 8)."""
    if target.value is None or target.unit not in COUNT_UNITS.values() or value > target.value:
        target.value, target.unit = value, COUNT_UNITS.get(target.term, "times")
    if float(value).is_integer():
        target.count = max(target.count or 0, int(value))


def _stated_baseline(readings, events, clause_of_token) -> tuple[float | None, int | None]:
    """(usual stools a day, position of that number) when the text states it ("平时一天2次",
    "usually 3 BMs a day"): the first count or number in a clause holding a usual-habit word."""
    for reading in readings:
        clause = clause_of_token[reading.position]
        if reading.kind in ("count", "plain") and _cue_in_clause("usual_cue", reading, clause, events, before_only=False):
            return reading.value, reading.position
    return None, None


def _apply_count(reading, clause, mentions, events, tokens, baseline) -> None:
    # A stool word in the clause ("拉了6次", "6 stools") makes the count a stool count; so does
    # a usual number of stools stated earlier in the text ("平时一天2次，今天5次").
    stool_count = reading.stool or _cue_in_clause("stool_cue", reading, clause, events) or baseline is not None
    target = None if stool_count else _preceding(reading, clause, mentions)
    if target is not None and target.term == FEVER:
        target = None  # "38.6 twice today": a count is never a temperature
    if stool_count:
        has_word = any(m.term == DIARRHEA and not m.negated for m in mentions)
        floor = MIN_STOOLS_WITHOUT_SYMPTOM_WORD if baseline is None else baseline + 1
        if not has_word and reading.value < floor:
            return
        target = _find_or_add(DIARRHEA, reading, clause, mentions, tokens)
        target.baseline = baseline
    if target is not None:
        _set_count(target, reading.value)


def _temperature_context(mentions: list[Mention], readings: list[Reading], events: list[Event],
                         tokens: list[str]) -> bool:
    """The text is about temperature: a fever word, a measuring word or a temperature with its unit."""
    return (any(m.term == FEVER for m in mentions) or any(r.kind == "temperature" for r in readings)
            or any(e.entry.kind == "measure_cue" for e in events))


def _looks_like_temperature(reading: Reading, tokens: list[str]) -> bool:
    """A number written with one decimal in the body-temperature range and no other unit after
    it ("38.5? is that bad", "T 38.6"): in a patient's text that is a temperature."""
    if sum(1 for t in tokens if t[0].isalnum()) < 2:
        return False  # a number alone is an answer to a question (ParseResult.bare_value)
    _, _, decimals = tokens[reading.position].partition(".")
    after = tokens[reading.position + 1] if reading.position + 1 < len(tokens) else ""
    return (len(decimals) == 1 and BODY_TEMPERATURE_RANGE[0] <= reading.value <= BODY_TEMPERATURE_RANGE[1]
            and after not in NON_TEMPERATURE_UNITS)


def _as_temperature(reading: Reading, context: bool, tokens: list[str]) -> float | None:
    """A unitless number read as a temperature: next to a fever/measuring word, a plausible °C
    or °F value ("下午量了37.8"); anywhere, a one-decimal number in the body-temperature range."""
    if context or _looks_like_temperature(reading, tokens):
        return contextual_temperature(reading.value)
    return None


def _apply_plain(reading, clause, mentions, tokens, context, baseline, stool_words_before=False) -> None:
    celsius = _as_temperature(reading, context, tokens)
    if celsius is not None and (CELSIUS_RANGE[0] <= reading.value <= CELSIUS_RANGE[1]
                                or any(m.term == FEVER for m in mentions)):
        fevers = sorted((m for m in mentions if m.term == FEVER), key=lambda m: m.clause != clause)
        target = fevers[0] if fevers else _find_or_add(FEVER, reading, clause, mentions, tokens)
        _set_temperature(target, celsius)
        return
    stool_context = baseline is not None or stool_words_before
    if stool_context and float(reading.value).is_integer() and 0 < reading.value <= MAX_STOOLS_A_DAY:
        # "平时一天2次，今天5次", "stools: 3 yesterday, 8 today": numbers that count stools
        _apply_count(Reading("count", reading.value, reading.position, stool=True), clause, mentions,
                     [], tokens, baseline)
        return
    before = _preceding(reading, clause, mentions)
    close = before is not None and reading.position - before.end <= MAX_GAP_FOR_SCORE - 1
    if close and reading.value in (0, 1, 2, 3, 4):
        raise_attribute(before, "severity", int(reading.value))
    elif before is not None and before.term in COUNT_UNITS and clause - before.clause <= 1 \
            and float(reading.value).is_integer() and 0 < reading.value <= MAX_STOOLS_A_DAY:
        _set_count(before, reading.value)  # "diarrhoea is better, only 2 today"


def _apply_score(reading, clause, mentions, severity) -> None:
    target = _preceding(reading, clause, mentions)
    if target is not None and severity is not None:
        raise_attribute(target, "severity", severity)


def apply_readings(mentions: list[Mention], readings: list[Reading], events: list[Event],
                   clause_of_token: list[int], tokens: list[str]) -> None:
    """Attach each reading to its symptom (adding Fever/Diarrhea when only a number says so)."""
    baseline, baseline_at = _stated_baseline(readings, events, clause_of_token)
    context = _temperature_context(mentions, readings, events, tokens)
    for reading in readings:
        if reading.position == baseline_at:
            continue
        clause = clause_of_token[reading.position]
        if reading.kind == "temperature":
            _set_temperature(_find_or_add(FEVER, reading, clause, mentions, tokens), reading.value)
        elif reading.kind == "count":
            _apply_count(reading, clause, mentions, events, tokens, baseline)
        elif reading.kind == "score":
            value = int(reading.value) if reading.value in (0, 1, 2, 3, 4) else None
            _apply_score(reading, clause, mentions, value)
        elif reading.kind == "duration":
            continue
        elif reading.kind == "nrs":
            _apply_score(reading, clause, mentions, nrs_to_severity(reading.value))
        else:  # a bare number counts stools only after the usual number was stated
            stated = baseline if baseline_at is not None and reading.position > baseline_at else None
            stool_before = any(e.entry.kind == "stool_cue" and e.end <= reading.position
                               and tokens[e.end:e.end + 1] == [":"] for e in events)
            _apply_plain(reading, clause, mentions, tokens, context, stated, stool_before)
    _settle_fever(mentions)
