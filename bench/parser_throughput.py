"""Parser throughput on one core over the labelled corpus.

    .venv/bin/python bench/parser_throughput.py
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.symptoms.parsing.evaluation import load_corpus  # noqa: E402
from app.symptoms.parsing.lexicon import load_lexicon  # noqa: E402
from app.symptoms.parsing.matching import _fuzzy_word  # noqa: E402
from app.symptoms.parsing.parser import parse_message  # noqa: E402

REPEATS = 20


def _run(texts, repeats):
    """(messages per second of CPU time, CPU seconds): CPU time so that other load on a
    shared machine does not count against the parser."""
    start = time.process_time()
    for _ in range(repeats):
        for text in texts:
            parse_message(text)
    elapsed = time.process_time() - start
    return len(texts) * repeats / elapsed, elapsed


def main():
    start = time.perf_counter()
    load_lexicon()
    load_ms = (time.perf_counter() - start) * 1000
    texts = [r["text"] for r in load_corpus(ROOT / "tests" / "symptoms" / "corpus.jsonl")]
    _fuzzy_word.cache_clear()
    cold_rate, _ = _run(texts, 1)  # first pass: fuzzy cache empty
    warm_rate, elapsed = _run(texts, REPEATS)
    print(f"{'measure':<34}{'value':>12}")
    print(f"{'lexicon compile (ms)':<34}{load_ms:>12.1f}")
    print(f"{'corpus messages':<34}{len(texts):>12}")
    print(f"{'first pass (msg/s, cold fuzzy)':<34}{cold_rate:>12,.0f}")
    print(f"{f'{REPEATS} passes (msg/s of CPU)':<34}{warm_rate:>12,.0f}")
    print(f"{'mean per message (µs)':<34}{elapsed / (len(texts) * REPEATS) * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
