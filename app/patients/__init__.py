"""Enrolled patients: enrollment, contact details, and the events that change their status."""
