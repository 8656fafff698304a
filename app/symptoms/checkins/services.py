"""Queue the symptom check-ins that are due (the rules are in app/symptoms/checkins/rules.py).

Rows go through the outbox with purpose "checkin": at send time the dispatcher applies
opt-out, the patient's status, quiet hours, the daily budget and the row's expiry
(app/notifications/send_policy.py). Planning only queues what is due within the hour, so a
row cannot outlive much change to the patient. Replies are handled like any patient text
(app/symptoms/services.py): "0", "fine" or "好" record a report with no symptoms.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from app.common.statuses import VisitStatus
from app.extensions import db
from app.models import Patient, Visit
from app.notifications.outbox import enqueue
from app.notifications.templates import RenderedSms, render
from app.symptoms.checkins.rules import CHECKIN_STATUSES, PLAN_AHEAD, POST_HAIC_DAYS, CheckinSubject, due_checkins

PURPOSE = "checkin"
# Sessions older than this cannot make a check-in due (site dates vs UTC dates: one day margin).
_HAIC_LOOKBACK = timedelta(days=POST_HAIC_DAYS + 2)


# The web-link form (app/forms) registers how to send a check-in as a link at app start, so
# symptoms never imports forms (forms builds on symptoms).
_form_sender = None


def register_form_checkin_sender(send) -> None:
    """Install `send(now, patient, checkin) -> bool` for patients whose check-in channel is "form"."""
    global _form_sender
    _form_sender = send


def checkin_channel(patient: Patient) -> str:
    """"form" or "sms": the patient's own setting, else the site's (API.md "Second wave")."""
    return getattr(patient, "checkin_channel", None) or getattr(patient.site, "checkin_channel", None) or "sms"


def render_checkin(kind: str, language: str, site_name: str, site_phone: str) -> RenderedSms:
    """The check-in ("weekly" or "post_haic") in `language`: template `checkin_<kind>` in
    sms_templates.yaml. TemplateError (a ValueError) for an unknown language or an empty value."""
    return render(f"checkin_{kind}", language, site=site_name, phone=site_phone)


def plan_checkins(now: datetime, ahead: timedelta = PLAN_AHEAD) -> int:
    """Queue every check-in due within `ahead` that is not queued yet; returns how many."""
    patients = _candidates()
    sessions = _recent_haic_dates([p.id for p in patients], now)
    planned = 0
    for patient in patients:
        for checkin in due_checkins(subject_for(patient, sessions.get(patient.id, ())), now, ahead):
            site = patient.site
            if _form_sender is not None and checkin_channel(patient) == "form":  # the web form instead
                planned += _form_sender(now, patient, checkin)
                continue
            message = enqueue(to_number=patient.phone, purpose=PURPOSE, now=now, patient=patient,
                              sms=render_checkin(checkin.kind, patient.language, site.sms_label(patient.language), site.phone),
                              send_at=max(checkin.send_at_utc, now), expires_at=checkin.expires_at_utc,
                              idempotency_key=checkin.key)
            planned += message is not None
    return planned


def subject_for(patient: Patient, haic_dates) -> CheckinSubject:
    """The pure check-in rules' view of `patient`, with the dates of their completed HAIC sessions."""
    return CheckinSubject(patient_id=patient.id, status=patient.status, treatment_start=patient.treatment_start,
                          tz_name=patient.site.timezone, haic_dates=tuple(haic_dates),
                          opted_out=patient.sms_opted_out)


def _candidates() -> list[Patient]:
    return db.session.scalars(select(Patient).where(
        Patient.status.in_(CHECKIN_STATUSES), Patient.sms_opted_out.is_(False)).order_by(Patient.id)).all()


def _recent_haic_dates(patient_ids: list[int], now: datetime) -> dict[int, list]:
    if not patient_ids:
        return {}
    rows = db.session.execute(select(Visit.patient_id, Visit.actual_date).where(
        Visit.patient_id.in_(patient_ids), Visit.kind == "haic", Visit.status == VisitStatus.COMPLETED,
        Visit.actual_date >= (now - _HAIC_LOOKBACK).date()))
    dates = defaultdict(list)
    for patient_id, actual_date in rows:
        dates[patient_id].append(actual_date)
    return dates
