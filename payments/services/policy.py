"""Publishing compensation policy versions. A new version never lowers pay for past work."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from payments.models import CompensationPolicy
from payments.money import RATE_MAX_MINOR, currency_check
from program.access.audit import audit_record
from program.models import Program

FEEDBACK_KINDS = ("bug", "quality", "safety", "idea", "praise")
SEVERITIES = ("P1", "P2", "P3", "P4", "none")
RATE_FIELDS = (
    "stipend_monthly_minor",
    "film_shortlisted_minor",
    "film_selected_minor",
    "screening_fee_minor",
    "session_hourly_minor",
    "pay_floor_hourly_minor",
    "duplicate_share_bp",
)


def policy_in_force(*, program: Program, at: datetime | None = None) -> CompensationPolicy | None:
    """The version whose rates apply to work done at `at` (now by default)."""
    at = at or timezone.now()
    return (
        CompensationPolicy.objects.filter(program=program, effective_from__lte=at)
        .order_by("-effective_from", "-version")
        .first()
    )


def policy_upcoming(*, program: Program) -> CompensationPolicy | None:
    return (
        CompensationPolicy.objects.filter(program=program, effective_from__gt=timezone.now())
        .order_by("effective_from", "version")
        .first()
    )


def _feedback_rates_clean(rates: dict) -> dict:
    if not isinstance(rates, dict):
        raise ServiceError(
            "Feedback rates must map kind → severity → amount.", field="feedback_rates"
        )
    clean: dict[str, dict[str, int]] = {}
    for kind, table in rates.items():
        if kind not in FEEDBACK_KINDS or not isinstance(table, dict):
            raise ServiceError(f"Unknown feedback kind {kind!r}.", field="feedback_rates")
        clean[kind] = {}
        for severity, amount in table.items():
            if severity not in SEVERITIES:
                raise ServiceError(f"Unknown severity {severity!r}.", field="feedback_rates")
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int)
                or not 0 <= amount <= RATE_MAX_MINOR
            ):
                raise ServiceError(
                    f"Rate for {kind} {severity} must be a non-negative integer of minor units.",
                    code="invalid_amount",
                    field="feedback_rates",
                )
            clean[kind][severity] = amount
    return clean


def _lowered(old: CompensationPolicy, new: dict) -> list[str]:
    """Names of rates that the new values would lower compared with `old`."""
    lowered = [name for name in RATE_FIELDS if new[name] < getattr(old, name)]
    for kind, table in old.feedback_rates.items():
        for severity, amount in table.items():
            if new["feedback_rates"].get(kind, {}).get(severity, 0) < amount:
                lowered.append(f"feedback_rates.{kind}.{severity}")
    return lowered


def _policy_announce(policy: CompensationPolicy) -> None:
    """Tell every current tester in the portal (one insert), before the version takes effect."""
    from program.models import Notification, Tester

    users = Tester.objects.filter(
        program=policy.program, status__in=[Tester.Status.ACTIVE, Tester.Status.SUSPENDED]
    ).values_list("user_id", flat=True)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind="payments.policy_published",
                title=f"Compensation policy v{policy.version} published",
                body=f"It takes effect {policy.effective_from:%Y-%m-%d %H:%M %Z}. "
                f"{policy.summary}".strip(),
                url="/compensation/",
            )
            for user_id in users
        ]
    )


@transaction.atomic
def policy_publish(
    *,
    program: Program,
    published_by,
    effective_from: datetime,
    currency: str = "USD",
    summary: str = "",
    stipend_monthly_minor: int = 0,
    feedback_rates: dict | None = None,
    duplicate_share_bp: int = 0,
    film_shortlisted_minor: int = 0,
    film_selected_minor: int = 0,
    screening_fee_minor: int = 0,
    session_hourly_minor: int = 0,
    pay_floor_hourly_minor: int = 0,
) -> CompensationPolicy:
    """Publish a new version.

    It takes effect at `effective_from`. A version may start in the past only if it lowers
    no rate of the version it replaces there: a rate change never lowers pay for work done.
    """
    currency = currency_check(currency)
    values = {
        "stipend_monthly_minor": stipend_monthly_minor,
        "duplicate_share_bp": duplicate_share_bp,
        "film_shortlisted_minor": film_shortlisted_minor,
        "film_selected_minor": film_selected_minor,
        "screening_fee_minor": screening_fee_minor,
        "session_hourly_minor": session_hourly_minor,
        "pay_floor_hourly_minor": pay_floor_hourly_minor,
    }
    for name, value in values.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= RATE_MAX_MINOR
        ):
            raise ServiceError(
                f"{name} must be an integer from 0 to {RATE_MAX_MINOR}.",
                code="invalid_amount",
                field=name,
            )
    if duplicate_share_bp > 10000:
        raise ServiceError(
            "The duplicate share is at most 10000 basis points (100%).",
            field="duplicate_share_bp",
        )
    values["feedback_rates"] = _feedback_rates_clean(feedback_rates or {})
    now = timezone.now()
    # Lock the program row so two publishers cannot take the same version number.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    latest = CompensationPolicy.objects.filter(program=program).order_by("-version").first()
    if latest is not None and effective_from < latest.effective_from:
        raise Conflict(
            "A new version cannot take effect before the latest published version "
            f"(v{latest.version}, {latest.effective_from:%Y-%m-%d %H:%M}).",
            code="policy_order",
            field="effective_from",
        )
    if effective_from < now:
        replaced = policy_in_force(program=program, at=effective_from)
        if replaced is not None:
            if replaced.currency != currency:
                raise Conflict(
                    "A version that starts in the past cannot change the currency.",
                    code="policy_lowers_pay",
                    field="currency",
                )
            lowered = _lowered(replaced, values)
            if lowered:
                raise Conflict(
                    "This version starts in the past and would lower pay for work already done "
                    f"({', '.join(lowered)}). Publish it with a future effective date instead.",
                    code="policy_lowers_pay",
                    field=lowered[0].split(".")[0],
                )
    version = (
        CompensationPolicy.objects.filter(program=program).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    policy = CompensationPolicy.objects.create(
        program=program,
        version=version,
        currency=currency,
        effective_from=effective_from,
        published_at=now,
        published_by=published_by,
        summary=summary,
        **values,
    )
    _policy_announce(policy)
    audit_record(
        action="payments.policy_published",
        actor=published_by,
        target=policy,
        data={"version": version, "effective_from": effective_from.isoformat()},
    )
    return policy
