"""Tumour assessments: RECIST 1.1 (pure core in ``recist`` and its helpers)."""
