"""The safety table as CSV: one row per category, SOC and term (patients, percent of treated)."""
import csv
import io

from app.adverse_events.safety_report import CATEGORIES

HEADER = ("section", "soc", "ctcae_term", "n", "pct", "grade_3_plus_n", "grade_3_plus_pct", "n_treated", "cutoff")


def _pct(value):
    return "" if value is None else f"{value:.1f}"


def _rows(report):
    base = (report["n_treated"], report["cutoff"].isoformat())
    for name in CATEGORIES:
        yield ("summary", "", name, report[name]["n"], _pct(report[name]["pct"]), "", "", *base)
    for section, key in (("soc", "by_soc"), ("term", "by_term")):
        for row in report[key]:
            yield (section, row["soc"], row.get("ctcae_term", ""), row["any_grade"]["n"],
                   _pct(row["any_grade"]["pct"]), row["grade_3_plus"]["n"], _pct(row["grade_3_plus"]["pct"]), *base)


def safety_csv(report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(_rows(report))
    return buffer.getvalue()
