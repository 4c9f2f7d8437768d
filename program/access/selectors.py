from datetime import date

from django.db.models import Count, Q, QuerySet

from program.access.models import (
    AccessToken,
    AuditEvent,
    ProgramPause,
    SecurityFlag,
    TokenQuarantine,
)
from program.models import Program, Tester


def token_list(*, tester: Tester) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(tester=tester).order_by("-created_at", "-id")


def token_get(*, tester: Tester, pk) -> AccessToken | None:
    return AccessToken.objects.filter(tester=tester, pk=pk).first()


def token_counts(*, tester: Tester) -> dict[str, int]:
    counts = dict(
        AccessToken.objects.filter(tester=tester)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in AccessToken.Status.values}


def quarantine_list(*, program: Program, state: str = "open") -> QuerySet[TokenQuarantine]:
    """state: open (token still quarantined), released, or all."""
    queryset = TokenQuarantine.objects.filter(token__tester__program=program).select_related(
        "token__tester__user", "released_by"
    )
    if state == "open":
        queryset = queryset.filter(
            released_at__isnull=True, token__status=AccessToken.Status.QUARANTINED
        )
    elif state == "released":
        queryset = queryset.filter(released_at__isnull=False)
    return queryset.order_by("-created_at", "-id")


def quarantine_list_for_tester(*, tester: Tester) -> QuerySet[TokenQuarantine]:
    return (
        TokenQuarantine.objects.filter(token__tester=tester)
        .select_related("token")
        .order_by("-created_at", "-id")
    )


def flag_list(*, program: Program, state: str = "open") -> QuerySet[SecurityFlag]:
    queryset = SecurityFlag.objects.filter(token__tester__program=program).select_related(
        "token__tester__user", "resolved_by"
    )
    if state == "open":
        queryset = queryset.filter(resolved_at__isnull=True)
    elif state == "resolved":
        queryset = queryset.filter(resolved_at__isnull=False)
    return queryset.order_by("-created_at", "-id")


def pause_list(*, program: Program) -> QuerySet[ProgramPause]:
    return ProgramPause.objects.filter(program=program).select_related("started_by", "ended_by")


def audit_list(
    *,
    action: str = "",
    actor: str = "",
    tester: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Staff view. `action` matches a prefix (`token.` = every token event)."""
    queryset = AuditEvent.objects.select_related("actor", "subject_tester")
    if actor:
        queryset = queryset.filter(
            Q(actor__email__icontains=actor) | Q(actor_label__icontains=actor)
        )
    if tester:
        match = Q(subject_tester__display_name__icontains=tester) | Q(
            subject_tester__user__email__icontains=tester
        )
        if tester.isdigit():
            match |= Q(subject_tester_id=int(tester))
        queryset = queryset.filter(match)
    return _audit_filtered(queryset, action=action, date_from=date_from, date_to=date_to)


def audit_list_for_tester(
    *,
    tester: Tester,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """An artist's own entries; `action` matches a prefix like in the staff view."""
    queryset = AuditEvent.objects.filter(subject_tester=tester).select_related("actor")
    return _audit_filtered(queryset, action=action, date_from=date_from, date_to=date_to)


def _audit_filtered(queryset, *, action: str, date_from, date_to) -> QuerySet[AuditEvent]:
    if action:
        queryset = queryset.filter(action__startswith=action)
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset.order_by("-created_at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
