"""Grading reported symptoms: PRO-CTCAE composite, measured CTCAE grades, escalation rules (pure)."""
