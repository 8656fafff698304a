"""Proof of life: the latest date the patient was known alive (kernel: visits, SMS and
follow-up calls all record it, and none of them may import another for it)."""
from datetime import date


def touch_contact(patient, when: date) -> None:
    """Move `patient.last_contact_date` forward to `when` (a site-local date); never back."""
    if patient.last_contact_date is None or when > patient.last_contact_date:
        patient.last_contact_date = when
