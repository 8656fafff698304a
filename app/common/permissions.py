"""Who may do what: roles grant capabilities, views require a capability.

One table, read top to bottom (redash's `permissions.py` is the model). A view declares the
capability it needs (`@requires(VIEW_PATIENTS)`), never a list of roles, so adding a role
means one row here and nothing else. Roles and their read-only meaning follow API.md
("Second wave: more names, settled"): `statistician` reads reports and exports, `monitor`
reads everything including the audit trail and writes nothing.
"""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    INVESTIGATOR = "investigator"
    NURSE = "nurse"
    STATISTICIAN = "statistician"
    MONITOR = "monitor"


ROLES = tuple(role.value for role in Role)


class Capability(StrEnum):
    AUTHENTICATED = "authenticated"          # any signed-in user (me, logout, sites, CTCAE)
    VIEW_PATIENTS = "view_patients"          # read patient records of the own site
    SCREEN_PATIENTS = "screen_patients"      # screening and enrollment
    EDIT_PATIENTS = "edit_patients"          # patient details and events
    RETRACT_RECORDS = "retract_records"      # retract events, AEs, scans (a correction)
    CORRECT_TREATMENT_START = "correct_treatment_start"
    SCHEDULE_VISITS = "schedule_visits"      # reschedule, complete, miss, cancel
    RECORD_SYMPTOMS = "record_symptoms"
    RECORD_LABS = "record_labs"
    RECORD_AE = "record_ae"                  # AEs, AE candidates, SAE reporting
    SIGN_AE = "sign_ae"                      # investigator e-signature
    RECORD_ASSESSMENTS = "record_assessments"  # RECIST tumour assessments
    CONFIRM_PROGRESSION = "confirm_progression"
    OVERRIDE_HAIC_HOLD = "override_haic_hold"
    HANDLE_ALERTS = "handle_alerts"          # acknowledge, notes
    FOLLOW_UP = "follow_up"                  # contact log and worklist
    MANAGE_MESSAGES = "manage_messages"      # unmatched inbound messages
    VIEW_SAFETY_REPORT = "view_safety_report"  # the AE tables (nurses see them too)
    VIEW_REPORTS = "view_reports"            # efficacy report, KM and swimmer plots
    EXPORT_DATA = "export_data"              # analysis datasets, SDTM, FHIR
    VIEW_AUDIT = "view_audit"
    ADMINISTER = "administer"                # users, sites, on-call rota


_CLINICAL_STAFF = {Role.ADMIN, Role.COORDINATOR, Role.INVESTIGATOR, Role.NURSE}
_SENIOR_STAFF = {Role.ADMIN, Role.COORDINATOR, Role.INVESTIGATOR}

# capability → roles that hold it. Every capability has a row; a test checks role × capability.
GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.AUTHENTICATED: frozenset(Role),
    Capability.VIEW_PATIENTS: frozenset(_CLINICAL_STAFF | {Role.MONITOR}),
    Capability.SCREEN_PATIENTS: frozenset(_CLINICAL_STAFF),
    Capability.EDIT_PATIENTS: frozenset(_CLINICAL_STAFF),
    Capability.RETRACT_RECORDS: frozenset(_SENIOR_STAFF),
    Capability.CORRECT_TREATMENT_START: frozenset({Role.COORDINATOR, Role.INVESTIGATOR}),
    Capability.SCHEDULE_VISITS: frozenset(_CLINICAL_STAFF),
    Capability.RECORD_SYMPTOMS: frozenset(_CLINICAL_STAFF),
    Capability.RECORD_LABS: frozenset(_CLINICAL_STAFF),
    Capability.RECORD_AE: frozenset(_CLINICAL_STAFF),
    Capability.SIGN_AE: frozenset({Role.INVESTIGATOR}),
    Capability.RECORD_ASSESSMENTS: frozenset(_SENIOR_STAFF),  # radiology reads are entered by study staff
    Capability.CONFIRM_PROGRESSION: frozenset({Role.INVESTIGATOR}),
    Capability.OVERRIDE_HAIC_HOLD: frozenset({Role.INVESTIGATOR}),
    Capability.HANDLE_ALERTS: frozenset(_CLINICAL_STAFF),
    Capability.FOLLOW_UP: frozenset(_CLINICAL_STAFF),
    Capability.MANAGE_MESSAGES: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Capability.VIEW_SAFETY_REPORT: frozenset(_CLINICAL_STAFF | {Role.STATISTICIAN, Role.MONITOR}),
    Capability.VIEW_REPORTS: frozenset(_SENIOR_STAFF | {Role.STATISTICIAN, Role.MONITOR}),
    Capability.EXPORT_DATA: frozenset({Role.ADMIN, Role.COORDINATOR, Role.STATISTICIAN}),
    Capability.VIEW_AUDIT: frozenset({Role.ADMIN, Role.COORDINATOR, Role.MONITOR}),
    Capability.ADMINISTER: frozenset({Role.ADMIN}),
}


def roles_with(capability: Capability) -> tuple[str, ...]:
    """The role names holding `capability`, in Role order (for messages and the docs)."""
    return tuple(role.value for role in Role if role in GRANTS[capability])


def has_capability(role: str, capability: Capability) -> bool:
    """True when users of `role` may exercise `capability`; unknown roles hold nothing."""
    return role in GRANTS[capability]


def capabilities_of(role: str) -> frozenset[Capability]:
    """Every capability `role` holds (shown on `/auth/me` so clients can hide what is refused)."""
    return frozenset(cap for cap, roles in GRANTS.items() if role in roles)
