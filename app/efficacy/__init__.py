"""Efficacy endpoints: derivation per patient, survival statistics and plots (pure core)."""
