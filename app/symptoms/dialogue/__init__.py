"""The SMS symptom dialogue: the pure state machine, its questions and their wording."""
