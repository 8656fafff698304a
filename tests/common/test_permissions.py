"""Role × capability: the whole table, so a change to who may do what is a visible diff."""
import pytest

from app.common.permissions import GRANTS, ROLES, Capability, Role, capabilities_of, has_capability

A, C, I, N, S, M = "admin", "coordinator", "investigator", "nurse", "statistician", "monitor"

EXPECTED = {
    Capability.AUTHENTICATED: {A, C, I, N, S, M},
    Capability.VIEW_PATIENTS: {A, C, I, N, M},
    Capability.SCREEN_PATIENTS: {A, C, I, N},
    Capability.EDIT_PATIENTS: {A, C, I, N},
    Capability.RETRACT_RECORDS: {A, C, I},
    Capability.CORRECT_TREATMENT_START: {C, I},
    Capability.SCHEDULE_VISITS: {A, C, I, N},
    Capability.RECORD_SYMPTOMS: {A, C, I, N},
    Capability.RECORD_LABS: {A, C, I, N},
    Capability.RECORD_AE: {A, C, I, N},
    Capability.SIGN_AE: {I},
    Capability.RECORD_ASSESSMENTS: {A, C, I},
    Capability.CONFIRM_PROGRESSION: {I},
    Capability.OVERRIDE_HAIC_HOLD: {I},
    Capability.HANDLE_ALERTS: {A, C, I, N},
    Capability.FOLLOW_UP: {A, C, I, N},
    Capability.MANAGE_MESSAGES: {A, C},
    Capability.VIEW_SAFETY_REPORT: {A, C, I, N, S, M},
    Capability.VIEW_REPORTS: {A, C, I, S, M},
    Capability.EXPORT_DATA: {A, C, S},
    Capability.VIEW_AUDIT: {A, C, M},
    Capability.ADMINISTER: {A},
}


def test_every_capability_has_a_row():
    assert set(GRANTS) == set(Capability) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("capability", list(Capability))
def test_role_capability_table(role, capability):
    assert has_capability(role, capability) == (role in EXPECTED[capability])


def test_read_only_roles_hold_no_write_capability():
    writes = {c for c in Capability if c not in (Capability.AUTHENTICATED, Capability.VIEW_PATIENTS,
                                                 Capability.VIEW_SAFETY_REPORT, Capability.VIEW_REPORTS,
                                                 Capability.EXPORT_DATA, Capability.VIEW_AUDIT)}
    for role in (Role.STATISTICIAN, Role.MONITOR):
        assert not capabilities_of(role) & writes


def test_unknown_role_holds_nothing():
    assert capabilities_of("janitor") == frozenset()


def test_every_api_view_declares_a_capability(session_app):
    """No route behind /api/v1 is reachable without a declared capability, except the public ones."""
    public = {"auth.issue_token", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "docs_assets"}
    for rule in session_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint in public:
            continue
        view = session_app.view_functions[rule.endpoint]
        assert getattr(view, "required_capability", None) in set(Capability), rule.endpoint
