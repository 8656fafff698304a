"""The demo cohort's clinical story beyond the calendar: tumour assessments (RECIST),
SMS dialogues with graded symptoms and alerts, adverse events (an SAE signed by the
investigator), the on-call nurse, and the hook for lab results.

Everything goes through the real services with invented data; dates are relative to the
day the seed runs. Idempotent at the patient level: `seed.py` calls these once, right after
a patient is enrolled.
"""
import base64
import hashlib
import hmac
from datetime import date, timedelta

from sqlalchemy import select

from app.adverse_events.schemas import AdverseEventCreateSchema
from app.adverse_events.services import record_adverse_event
from app.adverse_events.signature import sign_off
from app.alerts.services import acknowledge, add_note
from app.assessments.services import record_assessment
from app.common.problems import Problem
from app.extensions import db
from app.models import Alert
from app.notifications.inbound import receive

DEMO_ON_CALL_PHONE = "+8613900000001"  # the demo nurse: the first urgent alert pages her
SCAN_EVERY_DAYS = 42  # imaging every 6 weeks (PROTOCOL.md)
BASELINE_DAYS_BEFORE_C1D1 = 3

# Tumour trajectories: the two liver targets (L1, L2) in mm at each follow-up scan (the last
# value repeats); a trajectory ending in "_pd" or "pd" adds a progressive scan on the day of the
# patient's progression event. Baseline is L1 50 mm + L2 30 mm = 80 mm.
BASELINE = (50, 30)
TRAJECTORIES = {
    "pr": [(34, 20), (30, 18), (28, 16)],             # -32 %, confirmed at the next scan
    "cr": [(20, 10), (0, 0)],
    "sd": [(46, 28), (48, 27), (44, 27)],
    "sd_pd": [(46, 28)],
    "pd": [(48, 30)],
    "pr_pd": [(34, 20), (30, 18), (28, 16)],
}
PROGRESSIVE_SCAN = {"sd_pd": (62, 36), "pd": (66, 38), "pr_pd": (40, 24)}

# Adverse events by name: the fields of POST /patients/{id}/adverse-events, with the onset
# as days after C1D1 (negative: days before today).
ADVERSE_EVENTS = {
    "nausea": {"ctcae_term": "Nausea", "grade": 1, "onset": 10, "resolved": 14, "outcome": "recovered",
               "serious": False, "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"},
               "immune_related": False, "aesi": False},
    "diarrhea": {"ctcae_term": "Diarrhea", "grade": 2, "onset": -1, "serious": False,
                 "attribution": {"haic": "possible", "sintilimab": "possible", "procedure": "unrelated"},
                 "immune_related": False, "aesi": False},
    "febrile_neutropenia_sae": {
        "ctcae_term": "Febrile neutropenia", "grade": 3, "onset": 60, "resolved": 66, "outcome": "recovered",
        "serious": True, "seriousness_criteria": ["hospitalisation"],
        "attribution": {"haic": "probable", "sintilimab": "possible", "procedure": "unrelated"},
        "immune_related": False, "aesi": False, "sign": True},
    "hypothyroidism": {"ctcae_term": "Hypothyroidism", "grade": 2, "onset": 84, "serious": False,
                       "attribution": {"haic": "unrelated", "sintilimab": "probable", "procedure": "unrelated"},
                       "immune_related": True, "aesi": True},
}
ACKNOWLEDGED = ("LY", "WL")  # their alerts are acknowledged; the others stay open
ACKNOWLEDGE_NOTE = "Called the patient: pain eased, ECG at the local clinic normal. Review at next visit."


def demo_password(secret_key: str, username: str) -> str:
    """The demo user's password, derived from SECRET_KEY so `flask demo credentials` can
    print it again (development only; a real deployment never runs the demo seed)."""
    digest = hmac.new(secret_key.encode(), f"demo-user:{username}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


def _lesions(sizes) -> list[dict]:
    return [{"lesion_id": lesion_id, "organ": "liver", "nodal": False, "diameter_mm": size,
             "too_small_to_measure": False} for lesion_id, size in zip(("L1", "L2"), sizes)]


def record_scans(actor, now, today: date, patient, story) -> int:
    """The patient's RECIST series for `story.recist`; returns the number of scans."""
    if story.recist is None:
        return 0
    c1d1 = patient.treatment_start
    events = dict(story.events)
    progression = c1d1 + timedelta(days=events["progression"]) if "progression" in events else None
    ends = [c1d1 + timedelta(days=days) for kind, days in story.events
            if kind in ("end_of_treatment", "withdrawal", "death", "lost_to_follow_up")]
    last = min([today, *ends, *([progression] if progression else [])])
    scans = [(c1d1 - timedelta(days=BASELINE_DAYS_BEFORE_C1D1), BASELINE)]
    sizes = TRAJECTORIES[story.recist]
    day, index = c1d1 + timedelta(days=SCAN_EVERY_DAYS), 0
    while day < last or (day == last and progression is None):
        scans.append((day, sizes[min(index, len(sizes) - 1)]))
        day, index = day + timedelta(days=SCAN_EVERY_DAYS), index + 1
    if progression is not None and story.recist in PROGRESSIVE_SCAN and progression <= today:
        scans.append((progression, PROGRESSIVE_SCAN[story.recist]))
    recorded = 0
    for day, sizes in scans:
        if day > today:
            break
        record_assessment(actor, now, patient, date=day,
                          target_lesions=_lesions(sizes), non_target="none", new_lesions=False,
                          modality="CT", notes="demo")
        recorded += 1
    return recorded


def send_sms(now, today: date, patient, story, site_phone: str) -> int:
    """The patient's texts, through the real inbound path (stored, graded, alerts, replies)."""
    for index, (days_ago, text) in enumerate(story.sms):
        at = now - timedelta(days=days_ago, hours=1)
        receive(at, sid=f"DEMO-{story.phone[1:]}-{index}", from_number=story.phone,
                to_number=site_phone or "", body=text)
    return len(story.sms)


def acknowledge_alerts(nurse, now, patient) -> int:
    """The urgent alerts of the patient, acknowledged by the nurse with a note and a follow-up note."""
    alerts = db.session.scalars(select(Alert).where(Alert.patient_id == patient.id, Alert.status == "open")).all()
    for alert in alerts:
        acknowledge(nurse, now, alert, ACKNOWLEDGE_NOTE)
        add_note(nurse, now, alert, "Patient called back the next day: no pain.")
    return len(alerts)


def record_adverse_events(actor, investigator, investigator_password, now, today, patient, story) -> int:
    """The named AEs of `story`; an SAE marked `sign` is signed off by the investigator."""
    count = 0
    for name in story.adverse_events:
        spec = dict(ADVERSE_EVENTS[name])
        onset, resolved, sign = spec.pop("onset"), spec.pop("resolved", None), spec.pop("sign", False)
        onset_day = today + timedelta(days=onset) if onset < 0 else patient.treatment_start + timedelta(days=onset)
        body = {**spec, "onset_date": onset_day.isoformat()}
        if resolved is not None:
            body["resolved_date"] = (patient.treatment_start + timedelta(days=resolved)).isoformat()
        fields = AdverseEventCreateSchema().load(body)
        event = record_adverse_event(actor, now, patient, **fields)
        count += 1
        if sign and investigator is not None:
            try:
                sign_off(investigator, now, event, password=investigator_password)
            except Problem:
                pass  # an investigator whose password was changed signs in the app instead
    return count
