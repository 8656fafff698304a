"""Symptom check-ins: the pure due-date rules, the service that queues them, the CLI."""
