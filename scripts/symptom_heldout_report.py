"""Print the parser's PROTOCOL.md scores (per language) on a held-out corpus.

    .venv/bin/python scripts/symptom_heldout_report.py [path/to/corpus.jsonl] [--errors]

Counts per (text, CTCAE term): a recorded term the text does not report (a denied one
included) is a false positive; a reported term not recorded is a false negative.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.symptoms.parsing.evaluation import load_corpus, score_protocol  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "symptoms" / "corpus_heldout_v2.jsonl"


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    scores = score_protocol(load_corpus(paths[0] if paths else DEFAULT_CORPUS))
    print(f"{'lang':<6}{'texts':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"
          f"{'grades':>10}{'temps':>9}{'flags':>8}{'denied rec.':>13}")
    for language, s in sorted(scores.items(), key=lambda kv: kv[0] == "all"):
        print(f"{language:<6}{s.messages:>6}{s.true_positives:>5}{s.false_positives:>5}{s.false_negatives:>5}"
              f"{s.precision:>11.3f}{s.recall:>8.3f}"
              f"{f'{s.grades_correct}/{s.grades_checked}':>10}{f'{s.temperatures_correct}/{s.temperatures_checked}':>9}"
              f"{s.flag_accuracy:>8.3f}{f'{s.denied_recorded}/{s.denied_checked}':>13}")
    if "--errors" in argv:
        print("\n".join(scores["all"].errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
