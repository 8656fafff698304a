"""Alerts for the nurse: symptom escalations (and other domains' alerts), pages, acknowledgements."""
