"""Print the symptom parser's precision and recall on the labelled corpus.

    .venv/bin/python scripts/symptom_corpus_report.py [path/to/corpus.jsonl] [--errors]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.symptoms.parsing.evaluation import load_corpus, score_corpus  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "symptoms" / "corpus.jsonl"


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    records = load_corpus(paths[0] if paths else DEFAULT_CORPUS)
    score = score_corpus(records)
    print(f"messages          {score.messages}")
    print(f"term precision    {score.precision:.3f}  (TP {score.true_positives}, FP {score.false_positives})")
    print(f"term recall       {score.recall:.3f}  (FN {score.false_negatives})")
    print(f"grade accuracy    {score.grade_accuracy:.3f}  ({score.grades_correct}/{score.grades_checked})")
    print(f"red-flag accuracy {score.flag_accuracy:.3f}  (messages with exactly the expected flags)")
    if "--errors" in argv:
        print("\n".join(score.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
