"""Symptom reports: bilingual lexicon, message parser, PRO-CTCAE grading, escalation, SMS dialogue.

Pure modules only here (no Flask, no database); services.py / resources.py wire them.
"""
