"""Data out for the statistician: ADaM-like and SDTM-like datasets, writers, FHIR, safety tables."""
