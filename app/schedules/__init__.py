"""Protocol definitions (versioned YAML data) and the pure schedule engine.

Entry points: `protocol.load_protocol` / `default_protocol`, `calendar.ClinicCalendar`,
and `engine` (plan, book, shift, cancel, timing, dosing). `jobs.py` and `services.py`
(owned elsewhere) wire these to the database and the scheduler.
"""
