"""Reads for feedback. `feedback_slo_figures` is an interface the transparency report uses."""

import statistics
from datetime import timedelta

from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.utils import timezone

from program.feedback.clocks import CLOCK_FIELDS, business_days_between, slo_targets
from program.feedback.models import Feedback, FeedbackAttachment, FeedbackComment
from program.models import Program, Tester
from program.roles import Role, has_role
from program.selectors import program_current, tester_for_user


def _with_relations(queryset: QuerySet[Feedback]) -> QuerySet[Feedback]:
    return queryset.select_related("tester__user", "duplicate_of")


def feedback_for_tester(*, tester: Tester, state: str = "") -> QuerySet[Feedback]:
    queryset = _with_relations(Feedback.objects.filter(tester=tester))
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def feedback_open_for_tester(*, tester: Tester) -> QuerySet[Feedback]:
    return feedback_for_tester(tester=tester).filter(state__in=Feedback.OPEN)


def overdue_q(now=None) -> Q:
    """Items with at least one clock running past its due date."""
    now = now or timezone.now()
    running = Q(state__in=Feedback.OPEN)
    return running & (
        Q(first_response_at__isnull=True, first_response_due_at__lt=now)
        | Q(triaged_at__isnull=True, triage_due_at__lt=now)
        | Q(decided_at__isnull=True, decision_due_at__lt=now)
    )


def feedback_queue(
    *,
    program: Program,
    state: str = "",
    kind: str = "",
    severity: str = "",
    overdue: bool = False,
    search: str = "",
) -> QuerySet[Feedback]:
    """The staff triage queue: open items first, oldest promise first."""
    queryset = _with_relations(Feedback.objects.filter(program=program))
    if state == "open":
        queryset = queryset.filter(state__in=Feedback.OPEN)
    elif state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if severity:
        queryset = queryset.filter(severity=severity)
    if overdue:
        queryset = queryset.filter(overdue_q())
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search) | Q(tester__display_name__icontains=search)
        )
    still_open = Case(When(state__in=Feedback.OPEN, then=0), default=1)
    return queryset.annotate(open_rank=still_open).order_by("open_rank", "decision_due_at", "pk")


def feedback_detail(
    *, pk: int, tester: Tester | None = None, program: Program | None = None, staff: bool = False
):
    """One item with what its page shows. Pass `tester` to scope to an artist's own items;
    `staff=True` also loads the whole conversation, internal notes included."""
    queryset = _with_relations(Feedback.objects.filter(pk=pk)).prefetch_related(
        "job_links__job", "attachments", "events"
    )
    if staff:
        queryset = queryset.prefetch_related("comments__author")
    if tester is not None:
        queryset = queryset.filter(tester=tester)
    if program is not None:
        queryset = queryset.filter(program=program)
    return queryset.first()


def feedback_comments(*, feedback: Feedback, include_internal: bool) -> QuerySet[FeedbackComment]:
    """The conversation. Artists' routes must pass include_internal=False."""
    queryset = feedback.comments.select_related("author")
    if not include_internal:
        queryset = queryset.filter(internal=False)
    return queryset


def feedback_public_comments_prefetch() -> Prefetch:
    return Prefetch(
        "comments",
        queryset=FeedbackComment.objects.filter(internal=False).select_related("author"),
        to_attr="public_comments",
    )


def feedback_due_counts(*, program: Program) -> dict[str, int]:
    """For the staff overview: open items, those overdue, and those due within a day."""
    now = timezone.now()
    soon = now + timedelta(days=1)
    open_items = Feedback.objects.filter(program=program, state__in=Feedback.OPEN)
    due_soon = open_items.exclude(overdue_q(now)).filter(
        Q(first_response_at__isnull=True, first_response_due_at__lt=soon)
        | Q(triaged_at__isnull=True, triage_due_at__lt=soon)
        | Q(decided_at__isnull=True, decision_due_at__lt=soon)
    )
    return {
        "open": open_items.count(),
        "overdue": open_items.filter(overdue_q(now)).count(),
        "due_soon": due_soon.count(),
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def feedback_slo_figures(*, program, days: int = 90) -> dict:
    """Median and p90 per clock over the last `days`, in business days.

    Shape (keep it): {"first_response" | "triage" | "decision": {"median": float | None,
    "p90": float | None, "count": int, "target": int}}.

    Covers items filed in the window. An item whose clock still runs counts with its waiting
    time so far once that has passed the target, so silence can never flatter the figures.
    Items closed for the artist's silence do not count toward the decision clock.
    """
    now = timezone.now()
    targets = slo_targets()
    rows = Feedback.objects.filter(
        program=program, created_at__gte=now - timedelta(days=days)
    ).values("created_at", "state", *(f for pair in CLOCK_FIELDS.values() for f in pair))
    samples: dict[str, list[float]] = {clock: [] for clock in CLOCK_FIELDS}
    for row in rows:
        for clock, (done_field, due_field) in CLOCK_FIELDS.items():
            done_at = row[done_field]
            if done_at is not None:
                samples[clock].append(business_days_between(row["created_at"], done_at))
            elif row["state"] in Feedback.OPEN and now > row[due_field]:
                samples[clock].append(business_days_between(row["created_at"], now))
    figures = {}
    for clock, values in samples.items():
        figures[clock] = {
            "median": round(statistics.median(values), 2) if values else None,
            "p90": round(_percentile(values, 0.9), 2) if values else None,
            "count": len(values),
            "target": targets[clock],
        }
    return figures


def feedback_attachment_for_user(*, pk: int, user) -> FeedbackAttachment | None:
    """An attachment its reader may open: program staff in the program, else only its owner."""
    attachments = FeedbackAttachment.objects.select_related("feedback")
    if has_role(user, Role.PROGRAM_STAFF):
        return attachments.filter(pk=pk, feedback__program=program_current()).first()
    tester = tester_for_user(user)
    if tester is None:
        return None
    return attachments.filter(pk=pk, feedback__tester=tester).first()
