"""Periods, batches and payouts.

Crash safety: a payout is first recorded as `sending` (committed), then the provider is called,
then the result is recorded. A rerun of a payout left `sending` or `failed` looks the transfer
up at the provider by transfer_group before sending again, so each payout is paid once.
"""

import logging
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError
from payments.gateways import GatewayError, gateway_for
from payments.models import (
    Account,
    LedgerTransaction,
    PayableBalance,
    PayeeAccount,
    Payout,
    PayoutBatch,
    PayoutPeriod,
    Posting,
)
from payments.services.ledger import Leg, account_get, ledger_post
from payments.services.stipends import month_bounds, stipends_accrue_in_transaction
from program.access.audit import audit_record
from program.models import Program, Tester
from program.roles import Role, has_role
from program.services.notifications import notify

logger = logging.getLogger(__name__)


MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
YEAR_MIN, YEAR_MAX = 2000, 2999


def year_check(year: int) -> int:
    """Report years the ledger can hold; anything else is a 400 naming `year`, never a 500."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ServiceError(
            f"Give a year from {YEAR_MIN} to {YEAR_MAX}.", field="year", code="invalid_year"
        )
    return year


def month_parse(text: str) -> date:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ServiceError(
            "Give the period as YYYY-MM.", field="month", code="invalid_month"
        ) from None


def rail_default(tester: Tester) -> str:
    if tester.country.upper() in {c.upper() for c in settings.PAYMENTS_STRIPE_COUNTRIES}:
        return PayeeAccount.Rail.STRIPE
    return PayeeAccount.Rail.MANUAL


# --- Closing a period ----------------------------------------------------------------------


@transaction.atomic
def period_start(*, program: Program, month: date, closed_by=None) -> PayoutPeriod:
    """Claim the period for closing; the work runs in period_close_run (a task or the command)."""
    month = month.replace(day=1)
    _, last = month_bounds(month)
    if last >= timezone.localdate():
        raise ServiceError(
            f"{month:%Y-%m} has not ended yet; a period closes after its last day.",
            field="month",
            code="period_not_ended",
        )
    if month < program.starts_on.replace(day=1):
        raise ServiceError("The program had not started in that month.", field="month")
    # This month's period if it exists, else the earliest later one: one query for both checks.
    existing = (
        PayoutPeriod.objects.filter(program=program, month__gte=month).order_by("month").first()
    )
    if existing is not None and existing.month == month:
        if existing.status == PayoutPeriod.Status.FAILED:
            existing.status, existing.error, existing.progress = PayoutPeriod.Status.CLOSING, "", 0
            existing.closed_by = closed_by or existing.closed_by
            existing.save(update_fields=["status", "error", "progress", "closed_by"])
            return existing
        raise Conflict(f"{month:%Y-%m} is already {existing.status}.", code="period_exists")
    if existing is not None:
        raise Conflict(f"A later period ({existing.label}) is already closed.", code="period_order")
    period = PayoutPeriod.objects.create(program=program, month=month, closed_by=closed_by)
    audit_record(action="payments.period_closing", actor=closed_by, target=period)
    return period


def period_close_run(*, period_id: int) -> PayoutPeriod:
    """Accrue stipends, compute balances due and create the draft batch. Idempotent."""
    period = PayoutPeriod.objects.select_related("program").get(pk=period_id)
    if period.status == PayoutPeriod.Status.CLOSED:
        return period
    PayoutPeriod.objects.filter(pk=period.pk).update(progress=10)
    try:
        _period_close(period)
    except Exception as exc:
        PayoutPeriod.objects.filter(pk=period.pk).update(
            status=PayoutPeriod.Status.FAILED, error=str(exc)[:2000]
        )
        raise
    period.refresh_from_db()
    return period


@transaction.atomic
def _period_close(period: PayoutPeriod) -> None:
    program = period.program
    first, last = month_bounds(period.month)
    stipends_accrue_in_transaction(program=program, month=first)
    batch = PayoutBatch.objects.create(period=period, created_by=period.closed_by)
    _payouts_draft(batch=batch, last=last)
    PayoutPeriod.objects.filter(pk=period.pk).update(
        status=PayoutPeriod.Status.CLOSED, progress=100, closed_at=timezone.now()
    )
    # The public figures go stale now: transparency_figures recomputes them on the next read;
    # the close task and command refresh them right after this commits.


def _payouts_draft(*, batch: PayoutBatch, last: date) -> None:
    """Set-based: one payout per artist and currency whose payable balance at `last` reaches the
    minimum, and one reserving transaction moving each (payable → in flight).

    The balance at `last` is the kept balance (PayableBalance) less the postings dated after
    `last`, read through the (account, effective_on) index inside the INSERT … SELECT that
    writes the payouts, so both come from one snapshot and the work grows with the artists, not
    with every posting since the program began. A second INSERT … SELECT writes the reserving
    postings, so the query count is constant. Each payout takes its amount off the artist's
    payable account; payouts in flight take one compound leg per currency, their sum, whose
    source is the batch. The transaction balances per currency by construction.
    """
    program = batch.period.program
    now = timezone.now()
    in_flight = account_get(program=program, kind=Account.Kind.PAYOUTS_IN_FLIGHT)
    txn = LedgerTransaction.objects.create(
        program=program,
        kind=LedgerTransaction.Kind.PAYOUT_RESERVE,
        memo=f"Payout batch #{batch.pk} for {batch.period.label}",
        effective_on=last,
        idempotency_key=f"batch_reserve:{batch.pk}",
    )
    countries = [c.upper() for c in settings.PAYMENTS_STRIPE_COUNTRIES] or [""]
    marks = ", ".join(["%s"] * len(countries))
    t = {
        "posting": Posting._meta.db_table,
        "account": Account._meta.db_table,
        "balance": PayableBalance._meta.db_table,
        "payout": Payout._meta.db_table,
        "payee": PayeeAccount._meta.db_table,
        "tester": Tester._meta.db_table,
    }
    payable = Account.Kind.ARTIST_PAYABLE.value
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {t["payout"]} (batch_id, tester_id, amount_minor, currency, rail, status,
                attempts, provider_ref, reference, failure_reason, created_at, updated_at)
            SELECT %s, d.tester_id, d.due, d.currency,
                COALESCE(pa.rail, CASE WHEN UPPER(t.country) IN ({marks})
                    THEN 'stripe' ELSE 'manual' END),
                'pending', 0, '', '', '', %s, %s
            FROM (
                SELECT a.tester_id, b.currency, b.balance_minor - COALESCE((
                    SELECT SUM(p.amount_minor) FROM {t["posting"]} p
                    WHERE p.account_id = b.account_id AND p.effective_on > %s
                        AND p.currency = b.currency
                ), 0) AS due
                FROM {t["balance"]} b JOIN {t["account"]} a ON a.id = b.account_id
                WHERE a.program_id = %s AND a.kind = %s
            ) d
            JOIN {t["tester"]} t ON t.id = d.tester_id
            LEFT JOIN {t["payee"]} pa ON pa.tester_id = d.tester_id
            WHERE d.due >= %s
            """,  # noqa: S608 - table names from model meta; values are parameters
            [
                batch.pk,
                *countries,
                now,
                now,
                last,
                program.pk,
                payable,
                settings.PAYMENTS_MIN_PAYOUT_MINOR,
            ],
        )
        if not cursor.rowcount:
            return
        cursor.execute(
            f"""
            INSERT INTO {t["posting"]} (transaction_id, account_id, amount_minor, currency,
                effective_on, source_type, source_id, created_at)
            SELECT %s, a.id, -po.amount_minor, po.currency, %s, 'payments.payout',
                CAST(po.id AS TEXT), %s
            FROM {t["payout"]} po
            JOIN {t["account"]} a ON a.tester_id = po.tester_id AND a.program_id = %s
                AND a.kind = %s
            WHERE po.batch_id = %s
            UNION ALL
            SELECT %s, %s, SUM(po.amount_minor), po.currency, %s, 'payments.payoutbatch',
                CAST(po.batch_id AS TEXT), %s
            FROM {t["payout"]} po
            WHERE po.batch_id = %s
            GROUP BY po.batch_id, po.currency
            """,  # noqa: S608
            [
                txn.pk,
                last,
                now,
                program.pk,
                payable,
                batch.pk,
                txn.pk,
                in_flight.pk,
                last,
                now,
                batch.pk,
            ],
        )


# --- Approving and paying a batch ------------------------------------------------------------


@transaction.atomic
def batch_approve(*, batch: PayoutBatch, approver, ip_address: str | None = None) -> PayoutBatch:
    """Four eyes: a finance user other than the one who closed the period approves."""
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if not has_role(approver, Role.FINANCE):
        raise NotAllowed("Only finance can approve a payout batch.", code="not_finance")
    if batch.status != PayoutBatch.Status.DRAFT:
        raise Conflict(f"This batch is already {batch.status}.", code="batch_not_draft")
    if batch.created_by_id is not None and batch.created_by_id == approver.pk:
        raise NotAllowed(
            "Four eyes: the person who closed the period cannot approve its batch.",
            code="four_eyes",
        )
    batch.status = PayoutBatch.Status.APPROVED
    batch.approved_by = approver
    batch.approved_at = timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    totals = batch.payouts.values("currency").annotate(total=Sum("amount_minor"))
    audit_record(
        action="payments.batch_approved",
        actor=approver,
        target=batch,
        ip_address=ip_address,
        data={
            "closed_by": batch.created_by_id,
            "totals": {t["currency"]: t["total"] for t in totals},
        },
    )
    return batch


@transaction.atomic
def batch_pay_start(*, batch: PayoutBatch, actor=None) -> PayoutBatch:
    """Check the batch may be paid and mark it paying. Reruns retry what is left."""
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == PayoutBatch.Status.DRAFT:
        raise Conflict("This batch is not approved yet.", code="batch_not_approved")
    if batch.status == PayoutBatch.Status.PAID:
        raise Conflict("This batch is already paid.", code="batch_already_paid")
    batch.status = PayoutBatch.Status.PAYING
    batch.progress = 0
    batch.save(update_fields=["status", "progress"])
    audit_record(action="payments.batch_paying", actor=actor, target=batch)
    return batch


def batch_pay_run(*, batch_id: int) -> PayoutBatch:
    """Pay every payout still open in the batch, one by one (each commits on its own)."""
    batch = PayoutBatch.objects.get(pk=batch_id)
    open_statuses = [
        Payout.Status.PENDING,
        Payout.Status.SENDING,
        Payout.Status.FAILED,
        Payout.Status.HELD,
    ]
    ids = list(
        batch.payouts.filter(status__in=open_statuses).order_by("pk").values_list("pk", flat=True)
    )
    for index, payout_id in enumerate(ids, start=1):
        payout_pay(payout_id=payout_id)
        PayoutBatch.objects.filter(pk=batch.pk).update(progress=index * 100 // len(ids))
    return batch_status_refresh(batch_id=batch.pk)


def batch_status_refresh(*, batch_id: int) -> PayoutBatch:
    batch = PayoutBatch.objects.get(pk=batch_id)
    if batch.status in (PayoutBatch.Status.DRAFT, PayoutBatch.Status.APPROVED):
        return batch
    statuses = set(batch.payouts.values_list("status", flat=True))
    if statuses <= {Payout.Status.PAID, Payout.Status.RETURNED}:
        batch.status, batch.paid_at = PayoutBatch.Status.PAID, batch.paid_at or timezone.now()
    elif statuses & {Payout.Status.FAILED, Payout.Status.HELD}:
        batch.status = PayoutBatch.Status.ATTENTION
    else:
        batch.status = PayoutBatch.Status.PAYING
    batch.progress = 100
    batch.save(update_fields=["status", "paid_at", "progress"])
    return batch


def payout_pay(*, payout_id: int) -> Payout:
    """Record → call → record. Each step commits; a crash between them is safe to rerun."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("tester").get(pk=payout_id)
        if payout.status not in (
            Payout.Status.PENDING,
            Payout.Status.SENDING,
            Payout.Status.FAILED,
            Payout.Status.HELD,
        ):
            return payout
        payee = PayeeAccount.objects.filter(tester_id=payout.tester_id).first()
        if payee is None:
            payee = PayeeAccount(tester=payout.tester, rail=payout.rail)
        if payee.rail != payout.rail:
            payout.rail = payee.rail
        if not payee.ready:
            payout.status = Payout.Status.HELD
            payout.failure_reason = "Stripe onboarding is not complete (payouts not enabled)."
            payout.updated_at = timezone.now()
            payout.save(update_fields=["status", "failure_reason", "updated_at", "rail"])
            return payout
        retry = payout.attempts > 0
        payout.status = Payout.Status.SENDING
        payout.attempts += 1
        payout.updated_at = timezone.now()
        payout.save(update_fields=["status", "attempts", "updated_at", "rail"])
    try:
        result = gateway_for(payout.rail).pay(payout=payout, payee=payee, retry=retry)
    except GatewayError as exc:
        Payout.objects.filter(pk=payout.pk, status=Payout.Status.SENDING).update(
            status=Payout.Status.FAILED, failure_reason=exc.message, updated_at=timezone.now()
        )
        logger.warning("payout %s failed: %s", payout.pk, exc.message)
        payout.refresh_from_db()
        return payout
    if result.status == "awaiting_manual":
        Payout.objects.filter(pk=payout.pk, status=Payout.Status.SENDING).update(
            status=Payout.Status.AWAITING_MANUAL, failure_reason="", updated_at=timezone.now()
        )
        payout.refresh_from_db()
        return payout
    return payout_mark_paid(payout=payout, provider_ref=result.provider_ref)


def _payout_move(*, payout: Payout, kind: str, source, target, memo: str, key: str) -> None:
    """Move the payout's amount from one account to another, once per idempotency key."""
    common = {
        "currency": payout.currency,
        "source_type": "payments.payout",
        "source_id": str(payout.pk),
    }
    ledger_post(
        program=payout.batch.period.program,
        kind=kind,
        legs=[
            Leg(account=source, amount_minor=-payout.amount_minor, **common),
            Leg(account=target, amount_minor=payout.amount_minor, **common),
        ],
        memo=memo,
        idempotency_key=key,
    )


@transaction.atomic
def payout_mark_paid(*, payout: Payout, provider_ref: str = "", reference: str = "") -> Payout:
    """Settle: payouts in flight → paid out. Idempotent per payout."""
    payout = Payout.objects.select_for_update().select_related("batch__period").get(pk=payout.pk)
    if payout.status == Payout.Status.PAID:
        return payout
    if payout.status == Payout.Status.RETURNED:
        raise Conflict("This payout was returned; it cannot be marked paid.")
    program = payout.batch.period.program
    _payout_move(
        payout=payout,
        kind=LedgerTransaction.Kind.PAYOUT_SETTLE,
        source=account_get(program=program, kind=Account.Kind.PAYOUTS_IN_FLIGHT),
        target=account_get(program=program, kind=Account.Kind.PAID_OUT),
        memo=f"Payout #{payout.pk} paid {provider_ref or reference}".strip(),
        key=f"payout_settle:{payout.pk}",
    )
    payout.status = Payout.Status.PAID
    payout.provider_ref = provider_ref or payout.provider_ref
    payout.reference = reference or payout.reference
    payout.failure_reason = ""
    payout.paid_at = timezone.now()
    payout.updated_at = payout.paid_at
    payout.save()
    transaction.on_commit(lambda: batch_status_refresh(batch_id=payout.batch_id))
    notify(
        user=payout.tester.user,
        kind="payments.paid",
        title=f"Payout sent: {payout}",
        body=f"Your payout for {payout.batch.period.label} was sent.",
        url="/portal/payouts/",
    )
    return payout


@transaction.atomic
def payout_mark_manual_paid(*, payout: Payout, reference: str, actor) -> Payout:
    if not (reference or "").strip():
        raise ServiceError("Give the bank transfer reference.", field="reference")
    if payout.rail != PayeeAccount.Rail.MANUAL:
        raise ServiceError("Only manual-rail payouts are marked paid by hand.", field="payout")
    if payout.status == Payout.Status.PAID:
        raise Conflict("This payout is already paid.", code="payout_already_paid")
    if payout.status != Payout.Status.AWAITING_MANUAL:
        raise Conflict("Pay the batch first; this payout is not awaiting a bank transfer.")
    payout = payout_mark_paid(payout=payout, reference=reference.strip())
    audit_record(
        action="payments.payout_marked_paid",
        actor=actor,
        target=payout,
        subject_tester=payout.tester,
        data={"reference": reference.strip()},
    )
    return payout


@transaction.atomic
def payout_return(*, payout: Payout, reason: str) -> Payout:
    """The money came back (e.g. transfer reversed): it is owed to the artist again."""
    payout = Payout.objects.select_for_update().select_related("batch__period").get(pk=payout.pk)
    if payout.status == Payout.Status.RETURNED:
        return payout
    program = payout.batch.period.program
    from_kind = (
        Account.Kind.PAID_OUT
        if payout.status == Payout.Status.PAID
        else Account.Kind.PAYOUTS_IN_FLIGHT
    )
    _payout_move(
        payout=payout,
        kind=LedgerTransaction.Kind.PAYOUT_RETURN,
        source=account_get(program=program, kind=from_kind),
        target=account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=payout.tester),
        memo=f"Payout #{payout.pk} returned: {reason}"[:300],
        key=f"payout_return:{payout.pk}",
    )
    payout.status = Payout.Status.RETURNED
    payout.failure_reason = reason[:2000]
    payout.updated_at = timezone.now()
    payout.save(update_fields=["status", "failure_reason", "updated_at"])
    return payout


# --- Onboarding -------------------------------------------------------------------------------


@transaction.atomic
def payee_set_rail(*, tester: Tester, rail: str, bank_details_note: str = "") -> PayeeAccount:
    if rail not in PayeeAccount.Rail.values or rail == PayeeAccount.Rail.DEMO:
        raise ServiceError("Choose Stripe Connect or manual bank transfer.", field="rail")
    payee, _ = PayeeAccount.objects.get_or_create(tester=tester, defaults={"rail": rail})
    payee.rail = rail
    payee.bank_details_note = bank_details_note[:200]
    payee.updated_at = timezone.now()
    payee.save()
    return payee


def stripe_required() -> None:
    """A deployment without a Stripe key pays by bank transfer only: say so (409), never a 500."""
    if not settings.STRIPE_SECRET_KEY:
        raise Conflict(
            "Stripe payouts are not set up here; choose manual bank transfer.",
            code="stripe_not_configured",
        )


def stripe_onboarding_link(*, tester: Tester, refresh_url: str, return_url: str) -> str:
    """Create the connected account once, then a fresh single-use account link."""
    from payments.gateways.stripe_connect import StripeConnectGateway

    stripe_required()
    gateway = StripeConnectGateway()
    payee, _ = PayeeAccount.objects.get_or_create(
        tester=tester, defaults={"rail": PayeeAccount.Rail.STRIPE}
    )
    if not payee.stripe_account_id:
        try:
            account_id = gateway.account_create(tester=tester)
        except GatewayError as exc:
            raise ServiceError(exc.message, code="provider_error", status_code=503) from exc
        PayeeAccount.objects.filter(pk=payee.pk).update(
            stripe_account_id=account_id, rail=PayeeAccount.Rail.STRIPE
        )
        payee.refresh_from_db()
    try:
        return gateway.onboarding_link(payee=payee, refresh_url=refresh_url, return_url=return_url)
    except GatewayError as exc:
        raise ServiceError(exc.message, code="provider_error", status_code=503) from exc
