from tests.adverse_events.conftest import give_dose, investigator  # noqa: F401  (shared fixtures)
