"""Parsing a patient's text into CTCAE-coded mentions: lexicon, matching, numbers, negation (pure)."""
