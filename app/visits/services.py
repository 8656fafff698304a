"""Placeholder replaced when the schedule engine lands (same session)."""


def create_schedule(actor, now, patient):
    return []


def apply_patient_event(actor, now, patient, event):
    return []
