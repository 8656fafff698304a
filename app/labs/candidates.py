"""What a newly graded lab result means for the patient's laboratory AEs (pure).

Source: issue 13 and CTCAE v5.0. A grade ≥ 1 that is new, or worse than the baseline's, proposes
an AE candidate (source `lab`) for a nurse to confirm or dismiss; while a candidate for the term
waits, a worse value replaces it and an equal or better one adds nothing; once the AE is
confirmed (and not resolved), a worse value raises the AE's grade history instead.
"""
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    NONE = "none"          # nothing to propose: normal, not worse than baseline, or not worse than known
    PROPOSE = "propose"    # a new candidate
    REPLACE = "replace"    # a worse value than the waiting candidate: it supersedes that one
    RAISE_AE = "raise_ae"  # a worse value than the open AE's grade: a new grade-history entry


@dataclass(frozen=True)
class Known:
    """What the patient already has for the term: the baseline's grade (0 when the grade is
    already relative to an abnormal baseline), a waiting candidate's grade, an open AE's grade."""
    baseline_grade: int | None = None
    pending_grade: int | None = None
    open_ae_grade: int | None = None


def decide(grade: int | None, known: Known) -> Action:
    """The action for a result graded `grade` (None: a test without a CTCAE term)."""
    if grade is None or grade < 1:
        return Action.NONE
    if known.open_ae_grade is not None:
        return Action.RAISE_AE if grade > known.open_ae_grade else Action.NONE
    if grade <= (known.baseline_grade or 0):
        return Action.NONE
    if known.pending_grade is not None:
        return Action.REPLACE if grade > known.pending_grade else Action.NONE
    return Action.PROPOSE
