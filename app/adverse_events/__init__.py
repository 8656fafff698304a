"""Adverse events (CTCAE v5.0) and the safety report: the trial's primary outcome."""
