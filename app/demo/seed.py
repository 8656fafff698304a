"""`flask demo seed`: a site, one user per role and 25 patients at every stage of the trial
(screen failures, treatment with delays, SMS dialogues and alerts, AEs with a signed SAE,
RECIST responders and progressions, deaths, lost to follow-up — app/demo/stories.py and
app/demo/cohort.py).

Everything goes through the real services (screening, enrollment, visit completion,
patient events), so the demo calendars are what the engine books, with audit entries.
Re-running adds only what is missing: users by username, patients by phone number,
screen failures by initials.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from flask import current_app

from app.auth.services import create_user
from app.demo import cohort
from app.demo.labs import seed_labs
from app.demo.stories import SCREEN_FAILURES, STORIES, Story, facts
from app.extensions import db
from app.models import Patient, Screening, Site, User, Visit
from app.common.permissions import ROLES
from app.common.clock import site_today
from app.common.statuses import VisitStatus
from app.patients.services import enroll_patient, record_event
from app.schedules.planned_visit import DOSE_KINDS
from app.screening.services import screen_candidate
from app.sites.services import create_site
from app.visits.lifecycle import complete_visit

SITE = {"code": "BJ", "name": "Beijing Cancer Hospital", "timezone": "Asia/Shanghai",
        "phone": "+861088196114", "haic_daily_capacity": 4, "quiet_start": "21:00",
        "quiet_end": "08:00", "sms_name": "Study Clinic"}
ACTOR = "demo-seed"
MAX_COMPLETIONS = 400  # a patient has about 100 visits; a guard against a runaway loop


@dataclass
class SeedReport:
    passwords: dict = field(default_factory=dict)  # username -> password, new users only
    patients: list = field(default_factory=list)  # (study id, initials, stage)
    screen_failures: list = field(default_factory=list)
    skipped: int = 0
    scans: int = 0
    sms: int = 0
    adverse_events: int = 0
    acknowledged: int = 0
    labs: dict = field(default_factory=dict)  # what app.demo.labs made


def seed(now) -> SeedReport:
    """Create what is missing; the caller commits."""
    report = SeedReport()
    site = _site(now)
    for role in ROLES:
        _user(now, role, site, report)
    nurse = db.session.scalar(select(User).where(User.username == "demo-nurse"))
    investigator = db.session.scalar(select(User).where(User.username == "demo-investigator"))
    today = site_today(site, now)
    created = {}
    for story in STORIES:
        if db.session.scalar(select(Patient.id).where(Patient.phone == story.phone)):
            report.skipped += 1
            continue
        patient = enact(nurse, now, today, story)
        created[story.initials] = patient
        report.scans += cohort.record_scans(investigator, now, today, patient, story)
        report.adverse_events += cohort.record_adverse_events(
            investigator, investigator, cohort.demo_password(current_app.config["SECRET_KEY"], "demo-investigator"),
            now, today, patient, story)
        report.sms += cohort.send_sms(now, today, patient, story, site.phone)
        if story.initials in cohort.ACKNOWLEDGED:
            report.acknowledged += cohort.acknowledge_alerts(nurse, now, patient)
        report.patients.append((patient.study_id, story.initials, patient.status))
    for initials, failing in SCREEN_FAILURES:
        _screen_failure(nurse, now, today, site, initials, failing, report)
    report.labs = seed_labs(nurse, now, today)  # pre-cycle labs, a held session, a grade-3 neutropenia
    return report


def _site(now):
    site = db.session.scalar(select(Site).where(Site.code == SITE["code"]))
    return site or create_site(ACTOR, now, **SITE)


def _user(now, role, site, report):
    username = f"demo-{role}"
    if db.session.scalar(select(User.id).where(User.username == username)):
        return
    password = cohort.demo_password(current_app.config["SECRET_KEY"], username)
    on_call = {"phone": cohort.DEMO_ON_CALL_PHONE, "on_call": True} if role == "nurse" else {}
    create_user(ACTOR, now, username=username, password=password, role=role,
                site_code=None if role == "admin" else site.code, **on_call)
    report.passwords[username] = password


def enact(nurse, now, today: date, story: Story):
    """Screen, enroll and live through `story` up to today."""
    c1d1 = today - timedelta(days=story.started_days_ago)
    screened_on = min(c1d1, today) - timedelta(days=7)
    screening = screen_candidate(
        nurse, now, site=SITE["code"], screened_on=screened_on, initials=story.initials,
        sex=story.sex, birth_date=_birth_date(story, today),
        facts=facts(consent_signed_on=(screened_on - timedelta(days=2)).isoformat()))
    patient = enroll_patient(nurse, now, screening_id=screening.id, phone=story.phone,
                             language=story.language, treatment_start=c1d1,
                             weight_kg=story.weight_kg)
    for event_type, days_after in story.events:
        event_day = c1d1 + timedelta(days=days_after)
        complete_until(nurse, now, patient, event_day - timedelta(days=1), story.delays)
        record_event(nurse, now, patient, type=event_type, date=event_day,
                     reason="demo data")
    done_until = today - timedelta(days=story.done_until_days_ago or 1)
    complete_until(nurse, now, patient, done_until, story.delays, today)
    return patient


def _birth_date(story: Story, today: date) -> date:
    """Ages 45-72 whatever the day the seed runs (the protocol takes 18-75)."""
    age = 45 + (sum(map(ord, story.initials)) % 28)
    return date(today.year - age, 6, 15)


def complete_until(nurse, now, patient, last_day: date, delays: dict, today: date | None = None):
    """Complete the patient's visits booked up to `last_day`, in order (a late dose shifts
    the later cycles, so the next visit is looked up again after each completion)."""
    for _ in range(MAX_COMPLETIONS):
        visit = db.session.scalar(
            select(Visit).where(Visit.patient_id == patient.id, Visit.status == VisitStatus.SCHEDULED,
                                Visit.scheduled_date <= last_day)
            .order_by(Visit.scheduled_date, Visit.id).limit(1))
        if visit is None:
            return
        actual = visit.scheduled_date + timedelta(days=delays.get(visit.code, 0))
        if today is not None:
            actual = min(actual, today)
        dose = visit.planned_dose_mg if visit.kind in DOSE_KINDS else None
        complete_visit(nurse, now, visit, actual, dose_mg=dose)


def _screen_failure(nurse, now, today, site, initials, failing, report):
    exists = db.session.scalar(select(Screening.id).where(
        Screening.site_id == site.id, Screening.initials == initials,
        Screening.eligible.is_(False)))
    if exists:
        report.skipped += 1
        return
    screened_on = today - timedelta(days=10)
    screen_candidate(nurse, now, site=site.code, screened_on=screened_on, initials=initials,
                     sex="female", birth_date=date(1961, 6, 15),
                     facts=facts(consent_signed_on=(screened_on - timedelta(days=1)).isoformat(),
                                 **failing))
    report.screen_failures.append(initials)
