"""All models, one module per aggregate, re-exported for Alembic and services."""
from app.models.adverse_event import AdverseEvent, AdverseEventGrade, SymptomReview
from app.models.assessment import TumorAssessment
from app.models.audit import AuditEntry
from app.models.contact import ContactAttempt
from app.models.ctcae import CtcaeTerm
from app.models.form_link import FormLink
from app.models.idempotency import IdempotencyRecord
from app.models.message import Message
from app.models.patient import Patient, PatientEvent
from app.models.screening import Screening
from app.models.site import Site
from app.models.symptom import Alert, SymptomItem, SymptomReport
from app.models.user import ApiToken, User
from app.models.visit import Visit

__all__ = [
    "Alert", "ApiToken", "AuditEntry", "IdempotencyRecord", "Message", "Patient", "PatientEvent",
    "Screening", "Site", "SymptomItem", "SymptomReport", "User", "Visit",
]
__all__ += ["AdverseEvent", "AdverseEventGrade", "SymptomReview"]
__all__ += ["ContactAttempt", "TumorAssessment"]
__all__ += ["CtcaeTerm"]
__all__ += ["FormLink"]
