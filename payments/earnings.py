"""The one door through which other apps report paid work. Payments implements it.

Other apps call `earning_record(...)` inside their own transaction when something
payable happens. It must be idempotent per (rule, source): calling it twice for the
same accepted feedback earns once.

Rules (the policy decides the amount unless `amount_minor` is given):
    "feedback.accepted"   source=Feedback, params={"kind": ..., "severity": "P1".."P4" or None}
    "feedback.duplicate"  source=Feedback (the duplicate), params={"kind", "severity", "original_id"}
    "film.shortlisted"    source=Film
    "film.selected"       source=Film
    "screening.fee"       source=ScreeningFilm (a film shown at a screening), amount from the screening
    "license.fee"         source=License, amount_minor + currency from the license
    "session.hours"       source=TestSession signup, params={"minutes": int}
    "stipend.month"       (payments itself) one per tester and month, by payments.services.stipends
"""

import logging
from datetime import date, datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from atelier.errors import ServiceError
from payments.models import Account, CompensationPolicy, Earning, LedgerTransaction, Posting
from payments.money import amount_check, currency_check, div_round, format_minor
from payments.services.ledger import (
    Leg,
    account_get,
    ledger_post,
    legs_check,
    mirror_legs,
    postings_build,
    source_label,
)
from payments.services.policy import policy_in_force
from program.models import Tester

logger = logging.getLogger(__name__)

RULES = (
    "feedback.accepted",
    "feedback.duplicate",
    "film.shortlisted",
    "film.selected",
    "screening.fee",
    "license.fee",
    "session.hours",
    "stipend.month",
)


def earning_amount(*, policy: CompensationPolicy, rule: str, params: dict) -> tuple[int, int, str]:
    """(amount, unit rate, label) that `policy` pays for `rule`. Integer arithmetic only."""
    money = policy.money
    if rule == "feedback.accepted":
        kind, severity = params.get("kind", ""), params.get("severity")
        rate = policy.feedback_rate(kind, severity)
        return rate, rate, f"Accepted {kind} {severity or ''}: {money(rate)}".replace("  ", " ")
    if rule == "feedback.duplicate":
        kind, severity = params.get("kind", ""), params.get("severity")
        rate = policy.feedback_rate(kind, severity)
        amount = div_round(rate * policy.duplicate_share_bp, 10000)
        share = f"{policy.duplicate_share_bp // 100}.{policy.duplicate_share_bp % 100:02d}%"
        return amount, rate, f"Duplicate share {share} of {money(rate)} ({kind} {severity or ''})"
    if rule == "film.shortlisted":
        rate = policy.film_shortlisted_minor
        return rate, rate, f"Film shortlisted: {money(rate)}"
    if rule == "film.selected":
        rate = policy.film_selected_minor
        return rate, rate, f"Film selected: {money(rate)}"
    if rule == "screening.fee":
        rate = policy.screening_fee_minor
        return rate, rate, f"Screening fee: {money(rate)}"
    if rule == "session.hours":
        minutes = params.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise ServiceError(
                "Confirmed minutes must be a positive integer.", field="minutes", code="invalid"
            )
        rate = policy.session_effective_hourly_minor
        floor = (
            " (pay floor)" if policy.pay_floor_hourly_minor > policy.session_hourly_minor else ""
        )
        return (
            div_round(rate * minutes, 60),
            rate,
            f"Test session {minutes // 60}h{minutes % 60:02d} at {money(rate)}/h{floor}",
        )
    raise ServiceError(f"The policy sets no amount for {rule!r}.", field="amount_minor")


@transaction.atomic
def earning_record(
    *,
    tester: Tester,
    rule: str,
    source: models.Model,
    occurred_at: datetime | None = None,
    params: dict | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    description: str = "",
    url: str = "",
):
    """Record a payable event once per (rule, source) and post it to the ledger.

    The amount comes from the policy version in force when the work happened, unless
    `amount_minor` (with `currency`) is given. Returns the Earning, or None when nothing
    is payable (no policy yet, or the policy pays zero for it).
    """
    return earning_post(
        tester=tester,
        rule=rule,
        source=source,
        occurred_at=occurred_at,
        params=params,
        amount_minor=amount_minor,
        currency=currency,
        description=description,
        url=url,
    )


@transaction.atomic
def earning_post(
    *,
    tester: Tester,
    rule: str,
    source: models.Model,
    occurred_at: datetime | None = None,
    params: dict | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    description: str = "",
    url: str = "",
    effective_on: date | None = None,
):
    """earning_record with an explicit ledger day (`effective_on`, today by default).

    Only payments itself (demo data, imports) sets the day; other apps call earning_record.
    """
    if rule not in RULES:
        raise ServiceError(f"Unknown earning rule {rule!r}.", field="rule", code="unknown_rule")
    source_type, source_id = source_label(source)
    existing = Earning.objects.filter(
        rule=rule, source_type=source_type, source_id=source_id
    ).first()
    if existing is not None:
        return existing
    params = dict(params or {})
    occurred_at = occurred_at or timezone.now()
    program = tester.program
    policy = policy_in_force(program=program, at=occurred_at)
    if amount_minor is not None:
        amount_check(amount_minor)
        currency = currency_check(currency or (policy.currency if policy else ""))
        label = f"Fixed amount {format_minor(amount_minor, currency)}"
        rate = amount_minor
    else:
        if policy is None:
            logger.warning("No compensation policy in force; %s for %s not paid", rule, source)
            return None
        amount_minor, rate, label = earning_amount(policy=policy, rule=rule, params=params)
        currency = policy.currency
        if amount_minor <= 0:
            return None
    params["rate_minor"] = rate
    try:
        with transaction.atomic():
            earning = _post_earning(
                tester=tester,
                rule=rule,
                source_type=source_type,
                source_id=source_id,
                occurred_at=occurred_at,
                amount_minor=amount_minor,
                currency=currency,
                policy=policy,
                label=label,
                params=params,
                description=description,
                url=url,
                effective_on=effective_on,
            )
    except IntegrityError:
        # Another caller recorded the same (rule, source) first: that one counts.
        return Earning.objects.get(rule=rule, source_type=source_type, source_id=source_id)
    return earning


def _post_earning(
    *,
    tester,
    rule,
    source_type,
    source_id,
    occurred_at,
    amount_minor,
    currency,
    policy,
    label,
    params,
    description,
    url,
    effective_on=None,
) -> Earning:
    program = tester.program
    payable = account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=tester)
    expense = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    txn = LedgerTransaction.objects.create(
        program=program,
        kind=LedgerTransaction.Kind.EARNING,
        memo=(description or rule)[:300],
        effective_on=effective_on or timezone.localdate(),
    )
    earning = Earning.objects.create(
        program=program,
        tester=tester,
        rule=rule,
        source_type=source_type,
        source_id=source_id,
        occurred_at=occurred_at,
        amount_minor=amount_minor,
        currency=currency,
        policy=policy,
        rate_label=label[:200],
        params=params,
        description=description[:300],
        url=url[:500],
        transaction=txn,
    )
    common = {"currency": currency, "source_type": source_type, "source_id": source_id}
    legs = [
        Leg(account=payable, amount_minor=amount_minor, policy=policy, earning=earning, **common),
        Leg(account=expense, amount_minor=-amount_minor, policy=policy, earning=earning, **common),
    ]
    legs_check(legs)
    Posting.objects.bulk_create(postings_build(txn, legs))
    return earning


@transaction.atomic
def earning_reverse(*, rule: str, source: models.Model, reason: str):
    """Reverse an earlier earning with mirror postings. Idempotent; None if nothing to reverse."""
    if not (reason or "").strip():
        raise ServiceError("Say why the earning is reversed.", field="reason")
    source_type, source_id = source_label(source)
    earning = (
        Earning.objects.select_for_update()
        .filter(rule=rule, source_type=source_type, source_id=source_id)
        .first()
    )
    if earning is None:
        return None
    key = f"earning_reverse:{earning.pk}"
    if earning.reversed_at is not None:
        return LedgerTransaction.objects.filter(idempotency_key=key).first()
    # Mirror only this earning's legs: stipends share one transaction per month.
    legs = mirror_legs(earning.postings.select_related("account"), earning=earning)
    reversal = ledger_post(
        program=earning.program,
        kind=LedgerTransaction.Kind.REVERSAL,
        legs=legs,
        memo=f"Reversed {earning.rule}: {reason}"[:300],
        idempotency_key=key,
    )
    Earning.objects.filter(pk=earning.pk).update(reversed_at=timezone.now(), reversal_reason=reason)
    return reversal
