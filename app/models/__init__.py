"""All models, one module per aggregate, re-exported for Alembic and services."""
from app.models.adverse_event import AdverseEvent, AdverseEventGrade, SymptomReview
from app.models.assessment import TargetLesionMeasurement, TumorAssessment
from app.models.alert_note import AlertNote
from app.models.audit import AuditEntry
from app.models.baseline import PatientBaseline
from app.models.contact import ContactAttempt
from app.models.ctcae import CtcaeTerm
from app.models.form_link import FormLink
from app.models.idempotency import IdempotencyRecord
from app.models.job_run import JobRun
from app.models.lab import LabAeCandidate, LabCollection, LabResult
from app.models.inbox import InboxEntry
from app.models.message import Message
from app.models.on_call import OnCallShift
from app.models.patient import Patient, PatientEvent
from app.models.read_generation import ReadGeneration
from app.models.screening import Screening
from app.models.site import Site
from app.models.symptom import Alert, SymptomItem, SymptomReport
from app.models.user import ApiToken, User
from app.models.visit import Visit

from sqlalchemy import func as _func, select as _select  # noqa: E402
from sqlalchemy.orm import column_property as _column_property  # noqa: E402

# C1D1 = the first dose actually given (HAIC or sintilimab), None before any dose
# (PROTOCOL.md "Endpoints"). Derived from the visits on every load, never stored, so a
# corrected dose date moves it at once. ``treatment_start`` stays the planned C1D1.
DOSE_VISIT_KINDS = ("haic", "sintilimab")
Patient.c1d1 = _column_property(
    _select(_func.min(Visit.actual_date))
    .where(Visit.patient_id == Patient.id, Visit.status == "completed", Visit.kind.in_(DOSE_VISIT_KINDS))
    .correlate_except(Visit).scalar_subquery())

__all__ = [
    "Alert", "ApiToken", "AuditEntry", "IdempotencyRecord", "Message", "Patient", "PatientEvent",
    "Screening", "Site", "SymptomItem", "SymptomReport", "User", "Visit",
]
__all__ += ["AdverseEvent", "AdverseEventGrade", "SymptomReview"]
__all__ += ["ContactAttempt", "TargetLesionMeasurement", "TumorAssessment"]
__all__ += ["ReadGeneration"]
__all__ += ["CtcaeTerm"]
__all__ += ["JobRun"]
__all__ += ["LabAeCandidate", "LabCollection", "LabResult"]
__all__ += ["InboxEntry"]
__all__ += ["PatientBaseline"]
from app.models.security import CalendarLink, LoginThrottle  # noqa: E402

__all__ += ["CalendarLink", "LoginThrottle"]
__all__ += ["AlertNote", "OnCallShift"]
__all__ += ["FormLink"]
__all__ += ["ReadGeneration"]
