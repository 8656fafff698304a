"""The web-link symptom form: per-patient links (/r/{token}) and the page patients fill in."""
