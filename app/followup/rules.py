"""When is a patient next due for contact, and is the site losing them? (pure)

Survival follow-up is a grid anchored to the end of treatment: targets at EOT + k x 12
weeks (k >= 1), each with a window (+-14 days), until the horizon (C1D1 + 2 years). A
contact inside a target's window, or later, satisfies it, so the next due date is the
first target whose window opens after the last proof of life. A patient still on
treatment is seen at their visits instead: the next booked visit is the next contact.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

LOST_AFTER_INTERVALS = 2  # "no contact for more than two intervals"


@dataclass(frozen=True)
class ContactPlan:
    """The grid the survival follow-up runs on, from the protocol."""

    interval_days: int
    window_before_days: int
    window_after_days: int


@dataclass(frozen=True)
class DueContact:
    """The next contact a coordinator owes this patient (None: nothing more is due)."""

    due: date
    window_end: date


@dataclass(frozen=True)
class FollowUpStatus:
    last_known_alive: date | None
    days_since_contact: int | None
    next_contact: DueContact | None
    overdue: bool
    lost_to_follow_up_candidate: bool


def next_survival_contact(end_of_treatment: date, last_alive: date | None, plan: ContactPlan,
                          horizon: date) -> DueContact | None:
    """The first survival target whose window opens after ``last_alive``; None past the horizon."""
    k = 1
    if last_alive is not None and last_alive >= end_of_treatment:
        k = (last_alive - end_of_treatment).days + plan.window_before_days
        k = max(1, k // plan.interval_days + 1)
    target = end_of_treatment + timedelta(days=k * plan.interval_days)
    if target > horizon:
        return None
    return DueContact(target, target + timedelta(days=plan.window_after_days))


def follow_up_status(today: date, last_alive: date | None, next_contact: DueContact | None,
                     plan: ContactPlan) -> FollowUpStatus:
    """Overdue once the due contact's window has closed; a lost-to-follow-up candidate after
    more than two intervals without any proof of life."""
    days = None if last_alive is None else (today - last_alive).days
    overdue = next_contact is not None and today > next_contact.window_end
    lost = days is not None and days > LOST_AFTER_INTERVALS * plan.interval_days
    return FollowUpStatus(last_alive, days, next_contact, overdue, lost)
