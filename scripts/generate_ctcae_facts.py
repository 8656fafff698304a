"""Generate app/ctcae/data/ctcae_v5_facts.json from the official CTCAE v5.0 table.

    .venv/bin/python scripts/generate_ctcae_facts.py [../shared/data/ctcae_v5.csv]

The facts of all 837 terms: MedDRA code, SOC, term and which grades exist (a grade with
an empty or "-" cell does not exist). The grade definition TEXTS are not shipped: they
still come from ``flask ctcae import``. The output records where it came from (path,
sha256, NCI release) so a reviewer can regenerate and compare byte for byte.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.ctcae.official import load_official_table  # noqa: E402
from app.ctcae.terms import CTCAE_SOURCE  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "ctcae_v5.csv"
FACTS_OUTPUT = ROOT / "app" / "ctcae" / "data" / "ctcae_v5_facts.json"


def build(source: Path) -> dict:
    """The facts document for the table at ``source``."""
    records = load_official_table(source)
    return {
        "version": "5.0",
        "source": CTCAE_SOURCE,
        "generated_from": "shared/data/ctcae_v5.csv (see shared/data/README.md for its provenance)",
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "generator": "scripts/generate_ctcae_facts.py",
        "columns": ["meddra_code", "soc", "term", "grades"],
        "terms": [[r.meddra_code, r.soc, r.term, sorted(r.grades)] for r in records],
    }


def render(document: dict) -> str:
    """One term per line: small diffs when NCI publishes a correction."""
    head = {k: v for k, v in document.items() if k != "terms"}
    lines = [json.dumps(term, ensure_ascii=False) for term in document["terms"]]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    return text + ',\n "terms": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    FACTS_OUTPUT.write_text(render(build(source)), encoding="utf-8")
    print(f"wrote {FACTS_OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
