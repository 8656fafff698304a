"""Score the parser against a labelled corpus (precision/recall of terms, grades, red flags).

A corpus record: {"text", "expected": [{"term", "negated", "patient_grade"?, "measured_grade"?}],
"red_flags": [...]}. A prediction counts when term AND negation both match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.symptoms.grading.grader import assess
from app.symptoms.parsing.parser import parse_message


@dataclass
class CorpusScore:
    """Counts over a corpus; rates are properties."""

    messages: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    grades_checked: int = 0
    grades_correct: int = 0
    flag_messages_correct: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def grade_accuracy(self) -> float:
        return self.grades_correct / self.grades_checked if self.grades_checked else 1.0

    @property
    def flag_accuracy(self) -> float:
        return self.flag_messages_correct / self.messages if self.messages else 1.0


def load_corpus(path: str | Path) -> list[dict]:
    """Records of a JSON-lines corpus file."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _score_grades(score: CorpusScore, record: dict, assessed: dict) -> None:
    for expected in record["expected"]:
        got = assessed.get((expected["term"], expected["negated"]))
        for key in ("patient_grade", "measured_grade"):
            if key in expected:
                score.grades_checked += 1
                actual = getattr(got, key) if got else None
                if actual == expected[key]:
                    score.grades_correct += 1
                else:
                    score.errors.append(f"{record['text']!r}: {expected['term']} {key} {actual} != {expected[key]}")


def score_record(score: CorpusScore, record: dict) -> None:
    """Add one record's counts to `score`."""
    items = [assess(item) for item in parse_message(record["text"]).items]
    predicted = {(a.ctcae_term, a.negated) for a in items}
    expected = {(e["term"], e["negated"]) for e in record["expected"]}
    score.messages += 1
    score.true_positives += len(predicted & expected)
    score.false_positives += len(predicted - expected)
    score.false_negatives += len(expected - predicted)
    if predicted != expected:
        score.errors.append(f"{record['text']!r}: got {sorted(predicted - expected)} missed {sorted(expected - predicted)}")
    _score_grades(score, record, {(a.ctcae_term, a.negated): a for a in items})
    flags = sorted({flag for a in items for flag in a.red_flags})
    if flags == sorted(record.get("red_flags", [])):
        score.flag_messages_correct += 1
    else:
        score.errors.append(f"{record['text']!r}: flags {flags} != {record.get('red_flags', [])}")


def score_corpus(records: list[dict]) -> CorpusScore:
    """Precision, recall, grade and red-flag accuracy of the parser over `records`."""
    score = CorpusScore()
    for record in records:
        score_record(score, record)
    return score


# --- PROTOCOL.md scoring ("Symptom text scoring"), per language -------------------------
# A record: {"text", "lang": "zh"|"en", "expected": [{"term", "negated", "measured_grade"?}],
# "denied": [terms], "red_flags": [...]}. Only positive (not negated) items count as
# recorded: a recorded term the text does not report, a denied one included, is a false
# positive; a reported term (negated false) not recorded is a false negative.


@dataclass
class ProtocolScore(CorpusScore):
    """CorpusScore counted per (text, reported term), with denied terms recorded counted apart.

    denied_checked / denied_recorded: terms the text denies, and how many of them the parser
    still recorded as present (each is also a false positive).
    temperatures_checked / temperatures_correct: expected Fever measured grades.
    """

    denied_checked: int = 0
    denied_recorded: int = 0
    temperatures_checked: int = 0
    temperatures_correct: int = 0


def _recorded(items) -> dict:
    return {a.ctcae_term: a for a in items if not a.negated}


def score_protocol_record(score: ProtocolScore, record: dict) -> None:
    """Add one record's counts to `score` under PROTOCOL.md's definition."""
    items = [assess(item) for item in parse_message(record["text"]).items]
    recorded = _recorded(items)
    reported = {e["term"]: e for e in record["expected"] if not e["negated"]}
    denied = set(record.get("denied", ())) | {e["term"] for e in record["expected"] if e["negated"]}
    score.messages += 1
    score.true_positives += len(recorded.keys() & reported.keys())
    score.false_positives += len(recorded.keys() - reported.keys())
    score.false_negatives += len(reported.keys() - recorded.keys())
    score.denied_checked += len(denied)
    score.denied_recorded += len(denied & recorded.keys())
    if recorded.keys() != reported.keys():
        score.errors.append(f"{record['text']!r}: got {sorted(recorded.keys() - reported.keys())} "
                            f"missed {sorted(reported.keys() - recorded.keys())}")
    for term, expected in reported.items():
        if "measured_grade" not in expected:
            continue
        actual = recorded[term].measured_grade if term in recorded else None
        score.grades_checked += 1
        score.grades_correct += actual == expected["measured_grade"]
        if term == "Fever":
            score.temperatures_checked += 1
            score.temperatures_correct += actual == expected["measured_grade"]
        if actual != expected["measured_grade"]:
            score.errors.append(f"{record['text']!r}: {term} measured_grade {actual} != {expected['measured_grade']}")
    flags = sorted({flag for a in recorded.values() for flag in a.red_flags})
    if flags == sorted(record.get("red_flags", [])):
        score.flag_messages_correct += 1
    else:
        score.errors.append(f"{record['text']!r}: flags {flags} != {record.get('red_flags', [])}")


def score_protocol(records: list[dict]) -> dict[str, ProtocolScore]:
    """ProtocolScore per record language ("zh", "en", ...) and over all records ("all")."""
    scores: dict[str, ProtocolScore] = {"all": ProtocolScore()}
    for record in records:
        language = record.get("lang", "unknown")
        score_protocol_record(scores.setdefault(language, ProtocolScore()), record)
        score_protocol_record(scores["all"], record)
    return scores
