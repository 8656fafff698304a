"""The symptom fixtures (patient, on_call, sms) serve the alert tests too."""
from tests.symptoms.conftest import on_call, patient, sms  # noqa: F401
