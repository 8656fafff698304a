"""Refresh the console's message catalogue: extract, update the zh .po, compile the .mo.

Run after changing console texts: .venv/bin/python scripts/console_i18n.py
Translators edit app/console/translations/zh/LC_MESSAGES/messages.po; a test fails while a
message lacks its Chinese text or the .mo is older than the .po.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "app" / "console" / "translations"
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def main() -> None:
    pot = TRANSLATIONS / "messages.pot"
    subprocess.run([PYBABEL, "extract", "-F", "app/console/babel.cfg", "-k", "N_", "--no-location",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    subprocess.run([PYBABEL, "update", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", "zh", "--no-fuzzy-matching",
                    "--ignore-obsolete"], cwd=ROOT, check=True)
    subprocess.run([PYBABEL, "compile", "-d", str(TRANSLATIONS), "-l", "zh"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
