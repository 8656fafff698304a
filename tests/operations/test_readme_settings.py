"""Every environment variable config.py reads is in the README's configuration table (issue 17 item 6)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _table_names(readme: str) -> set[str]:
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_setting_read_by_config_is_documented():
    read = set(re.findall(r'_(?:env|flag)\("([A-Z][A-Z0-9_]+)"', (ROOT / "config.py").read_text()))
    assert {"SECRET_KEY", "LOG_LEVEL", "MAX_CONTENT_LENGTH", "SMS_DAILY_BUDGET"} <= read
    documented = _table_names((ROOT / "README.md").read_text())
    assert read - documented == set()
    assert {"HOST", "PORT", "TEST_DATABASE_URL"} <= documented
