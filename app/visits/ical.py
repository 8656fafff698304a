"""A patient's visits as an iCalendar feed (RFC 5545), for the nurse's or patient's phone.

Visits are clinic days, not appointments with a time: each is an all-day event on its booked
date, which is a date at the site. The calendar declares the site's zone (X-WR-TIMEZONE) so
clients show the days where the clinic is. SEQUENCE follows the visit's version so a moved
visit replaces the old event in subscribed calendars; cancelled visits stay as CANCELLED.
"""
from datetime import timedelta

from icalendar import Calendar, Event
from app.common.statuses import VisitStatus

CONTENT_TYPE = "text/calendar"
PRODID = "-//HAIC-Track//NCT06184841 visits//EN"
KIND_LABELS = {
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
    calendar.add("x-wr-calname", f"{patient.study_id} visits")
    calendar.add("x-wr-timezone", patient.site.timezone)
    for visit in visits:
        calendar.add_component(visit_event(patient, visit, now))
    return calendar.to_ical()


def visit_event(patient, visit, now) -> Event:
    event = Event()
    event.add("uid", f"visit-{visit.id}@haic-track")
    event.add("dtstamp", now)
    event.add("dtstart", visit.scheduled_date)
    event.add("dtend", visit.scheduled_date + timedelta(days=1))
    event.add("summary", f"{patient.study_id} {visit.code}: {KIND_LABELS.get(visit.kind, visit.kind)}")
    event.add("description", _description(visit))
    event.add("location", patient.site.name)
    event.add("status", STATUS[visit.status])
    event.add("sequence", visit.version - 1)
    event.add("categories", [visit.kind])
    event.add("transp", "TRANSPARENT")
    if visit.updated_at is not None:
        event.add("last-modified", visit.updated_at)
    return event


def _description(visit) -> str:
    lines = [f"Window {visit.window_start.isoformat()} to {visit.window_end.isoformat()} "
             f"(target {visit.target_date.isoformat()}).", f"Status: {visit.status}."]
    if visit.actual_date:
        lines.append(f"Done on {visit.actual_date.isoformat()}.")
    if visit.panels:
        lines.append("Panels: " + ", ".join(visit.panels) + ".")
    if visit.flags:
        lines.append("Check: " + ", ".join(visit.flags) + ".")
    return "\n".join(lines)
