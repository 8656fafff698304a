"""A patient's visits as an iCalendar feed (RFC 5545), for the nurse's or patient's phone.

Visits are clinic days, not appointments with a time: each is an all-day event on its booked
date, which is a date at the site. The calendar declares the site's zone (X-WR-TIMEZONE) so
clients show the days where the clinic is. SEQUENCE follows the visit's version so a moved
visit replaces the old event in subscribed calendars; cancelled visits stay as CANCELLED.

The wording is the SMS's (issue 16, item 13): a phone calendar is seen by others, so events
name neither the drug, the procedure nor the hospital, only the site's neutral SMS name and
the neutral visit names of sms_templates.yaml, in the patient's language. Visit codes
(C01-HAIC…) stay out for the same reason; the UID identifies the visit.
"""
from datetime import timedelta

from icalendar import Calendar, Event
from app.notifications.templates import fragment, load_templates
from app.common.statuses import VisitStatus

CONTENT_TYPE = "text/calendar"
PRODID = "-//Study visits//EN"  # no product, trial or procedure name: phones show it
KIND_LABELS = {  # staff wording; not used in the feed
    "haic": "HAIC session",
    "sintilimab": "Sintilimab infusion",
    "labs": "Pre-cycle labs",
    "imaging": "Imaging (CT/MRI)",
    "safety_follow_up": "Safety follow-up",
    "survival_follow_up": "Survival follow-up",
}
STATUS = {VisitStatus.SCHEDULED: "CONFIRMED", VisitStatus.COMPLETED: "CONFIRMED", VisitStatus.MISSED: "CANCELLED",
          VisitStatus.CANCELLED: "CANCELLED"}


def patient_calendar(patient, visits, now) -> bytes:
    """The iCalendar document of `visits` (rows of `patient`), stamped `now`."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", patient.site.sms_label(_language(patient)))
    calendar.add("x-wr-timezone", patient.site.timezone)
    for visit in visits:
        calendar.add_component(visit_event(patient, visit, now))
    return calendar.to_ical()


def visit_event(patient, visit, now) -> Event:
    event = Event()
    event.add("uid", f"visit-{visit.id}@study-visits")
    event.add("dtstamp", now)
    event.add("dtstart", visit.scheduled_date)
    event.add("dtend", visit.scheduled_date + timedelta(days=1))
    language = _language(patient)
    label = patient.site.sms_label(language)
    event.add("summary", f"{label}: {neutral_visit_name(visit.kind, language)}")
    event.add("description", _description(visit))
    event.add("location", label)
    event.add("status", STATUS[visit.status])
    event.add("sequence", visit.version - 1)
    event.add("transp", "TRANSPARENT")
    if visit.updated_at is not None:
        event.add("last-modified", visit.updated_at)
    return event


def _description(visit) -> str:
    lines = [f"Window {visit.window_start.isoformat()} to {visit.window_end.isoformat()} "
             f"(target {visit.target_date.isoformat()}).", f"Status: {visit.status}."]
    if visit.actual_date:
        lines.append(f"Done on {visit.actual_date.isoformat()}.")
    return "\n".join(lines)


def _language(patient) -> str:
    return patient.language if patient.language in ("zh", "en") else "en"


def neutral_visit_name(kind: str, language: str) -> str:
    """The SMS's name for a visit kind ("blood test", "抽血检查"); "visit" when unknown."""
    names = load_templates()["fragments"]["visit_names"]
    return fragment("visit_names", kind, language) if kind in names else ("visit" if language == "en" else "就诊")
