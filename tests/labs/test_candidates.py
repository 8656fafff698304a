"""Lab AE candidates: new, worse, same, better (issue 13)."""
import pytest

from app.labs.candidates import Action, Known, decide


@pytest.mark.parametrize("grade, known, action", [
    (None, Known(), Action.NONE),                              # a test without a CTCAE term
    (0, Known(), Action.NONE),                                 # normal
    (2, Known(), Action.PROPOSE),                              # new
    (1, Known(baseline_grade=1), Action.NONE),                 # same as baseline
    (2, Known(baseline_grade=1), Action.PROPOSE),              # worse than baseline
    (1, Known(baseline_grade=2), Action.NONE),                 # better than baseline
    (3, Known(pending_grade=2), Action.REPLACE),               # worse than the waiting candidate
    (2, Known(pending_grade=2), Action.NONE),                  # same as the waiting candidate
    (1, Known(pending_grade=2), Action.NONE),                  # better than the waiting candidate
    (3, Known(open_ae_grade=2), Action.RAISE_AE),              # worse than the confirmed AE
    (2, Known(open_ae_grade=2), Action.NONE),                  # same as the confirmed AE
    (1, Known(open_ae_grade=2), Action.NONE),                  # better: the clinician records recovery
])
def test_decide(grade, known, action):
    assert decide(grade, known) is action
