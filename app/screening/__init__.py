"""Screening: pure eligibility rules and lab-unit normalisation (eligibility.py, labs.py),
with services/resources/schemas at the edges. Importing this package does not import Flask."""
