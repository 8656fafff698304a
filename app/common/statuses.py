"""Status vocabularies as StrEnum constants (kernel, pure): compare and store these, never
string literals. Each is also a database CHECK constraint (migration 0008; visits since 0002).
A StrEnum member *is* its string, so JSON, SQL and old comparisons keep working.
"""
from enum import StrEnum


class VisitStatus(StrEnum):
    """Visit.status: what happened to the visit (timing is kept apart: on time, late, out of window)."""

    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class MessageStatus(StrEnum):
    """Message.status: an outbound row moves queued → sending → sent → delivered/undelivered,
    or ends failed/cancelled; an inbound row is received."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    RECEIVED = "received"


class ReportStatus(StrEnum):
    """SymptomReport.status: an SMS dialogue waits for answers until it is complete."""

    AWAITING_ANSWER = "awaiting_answer"
    COMPLETE = "complete"


class AlertStatus(StrEnum):
    """Alert.status: open until a member of staff acknowledges it."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


# Visit flag the overdue-visits job adds: the booked day passed and the nurse decides.
MISSED_CANDIDATE = "missed_candidate"


def check_in(column: str, values: type[StrEnum]) -> str:
    """The SQL of a CHECK constraint keeping `column` within an enum's values."""
    return f"{column} IN ({', '.join(repr(member.value) for member in values)})"
