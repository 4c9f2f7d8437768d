"""Business-day arithmetic for the response-time promises (Mon-Fri, in the site's time zone).

Elapsed time counts only weekday hours, so a report filed on Friday evening is not "late"
on Monday morning. `business_days_add` is the inverse of `business_days_between`.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

DAY = 86400.0


def _next_midnight(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time.min))


def _is_weekday(moment: datetime) -> bool:
    return timezone.localtime(moment).weekday() < 5


def business_days_between(start: datetime, end: datetime) -> float:
    """Weekday time between two moments, in days (fractional)."""
    total = 0.0
    cursor = start
    while cursor < end:
        boundary = min(_next_midnight(cursor), end)
        if _is_weekday(cursor):
            total += (boundary - cursor).total_seconds()
        cursor = boundary
    return total / DAY


def business_days_add(start: datetime, days: int) -> datetime:
    """The moment when `days` business days have passed since `start`."""
    remaining = days * DAY
    cursor = start
    while True:
        boundary = _next_midnight(cursor)
        if _is_weekday(cursor):
            span = (boundary - cursor).total_seconds()
            if span >= remaining:
                return cursor + timedelta(seconds=remaining)
            remaining -= span
        cursor = boundary


def slo_targets() -> dict[str, int]:
    return {
        "first_response": settings.ATELIER_SLO_FIRST_RESPONSE_DAYS,
        "triage": settings.ATELIER_SLO_TRIAGE_DAYS,
        "decision": settings.ATELIER_SLO_DECISION_DAYS,
    }


CLOCK_NAMES = ["first_response", "triage", "decision"]
CLOCK_STATUSES = ["met", "late", "due", "overdue", "stopped"]
CLOCK_LABELS = {"first_response": "First response", "triage": "Triage", "decision": "Decision"}
# Which timestamp stops each clock and which due date it is held to.
CLOCK_FIELDS = {
    "first_response": ("first_response_at", "first_response_due_at"),
    "triage": ("triaged_at", "triage_due_at"),
    "decision": ("decided_at", "decision_due_at"),
}


@dataclass(frozen=True)
class Clock:
    """One promise on one item. status: met, late (answered after due), due, overdue, stopped."""

    name: str
    label: str
    due_at: datetime
    stopped_at: datetime | None
    status: str
    business_days: float

    @property
    def is_overdue(self) -> bool:
        return self.status == "overdue"


def feedback_clocks(feedback, *, now: datetime | None = None) -> list[Clock]:
    """The three clocks of an item. A needs-info item closed for silence stops its decision clock."""
    now = now or timezone.now()
    clocks = []
    for name, (done_field, due_field) in CLOCK_FIELDS.items():
        done_at = getattr(feedback, done_field)
        due_at = getattr(feedback, due_field)
        if done_at is not None:
            status = "met" if done_at <= due_at else "late"
            elapsed = business_days_between(feedback.created_at, done_at)
        elif feedback.state == "closed":
            status = "stopped"
            elapsed = business_days_between(feedback.created_at, feedback.state_changed_at)
        else:
            status = "overdue" if now > due_at else "due"
            elapsed = business_days_between(feedback.created_at, now)
        clocks.append(
            Clock(
                name=name,
                label=CLOCK_LABELS[name],
                due_at=due_at,
                stopped_at=done_at,
                status=status,
                business_days=round(elapsed, 2),
            )
        )
    return clocks
