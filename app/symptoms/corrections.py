"""A nurse's correction of a symptom report item's grade, the EDC way: a reason, and the
before and after in the audit trail (API.md "Second wave: more names, settled":
`PATCH /api/v1/symptom-reports/{id}/items/{item_id}` `{"patient_grade", "reason"}`).

The report's `version` is bumped so tablets see the change (`updated_since`) and stale
edits get 412. Alerts already raised stay as they are: the nurse who corrects a grade
handles the alert with a note.
"""
from sqlalchemy.orm.attributes import flag_modified

from app.common.audit import log_change, require_reason, snapshot
from app.common.problems import NotFound
from app.extensions import db
from app.models import SymptomItem, SymptomReport

AUDITED = ("ctcae_term", "patient_grade", "measured_grade", "severity", "frequency", "interference")


def find_item(report: SymptomReport, item_id: int) -> SymptomItem:
    """The item `item_id` of `report`, or NotFound (404)."""
    item = db.session.get(SymptomItem, item_id)
    if item is None or item.report_id != report.id:
        raise NotFound(f"Symptom report {report.id} has no item {item_id}.")
    return item


def correct_item_grade(actor, now, report: SymptomReport, item: SymptomItem, patient_grade: int | None,
                       reason: str, *, site_id: int | None = None) -> SymptomReport:
    """Set the item's PRO-CTCAE composite grade (0–3, None = pending) with a reason.

    Raises ValidationProblem (422) without a reason.
    """
    reason = require_reason(reason)
    before = snapshot(item, AUDITED)
    item.patient_grade = patient_grade
    # The item lives inside the report: the report changes version (412 for stale tablets).
    report.updated_at = now
    flag_modified(report, "updated_at")
    db.session.flush()
    log_change(actor, now, "symptom_item:correct", "symptom_item", item.id, before=before,
               after=snapshot(item, AUDITED), reason=reason, site_id=site_id)
    return report
