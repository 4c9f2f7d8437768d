"""Monthly participation stipend, pro-rated by the days a tester was active.

A tester's active days come from their status history (TesterStatusChange) and joined_at.
A program pause does not change a tester's status, so paused days keep accruing.
"""

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from payments.models import Account, Earning, LedgerTransaction, Posting
from payments.money import div_round
from payments.services.ledger import account_get
from payments.services.policy import policy_in_force
from payments.services.rowset import rows_source
from program.models import Program, Tester, TesterStatusChange

RULE = "stipend.month"
SOURCE_TYPE = "payments.stipend"


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def active_days(
    *, tester: Tester, changes: list[TesterStatusChange], first: date, last: date
) -> int:
    """Days in [first, last] on which the tester was active at any time."""
    return _active_days(
        status=tester.status, joined_at=tester.joined_at, changes=changes, first=first, last=last
    )


def _active_days(
    *,
    status: str,
    joined_at: datetime | None,
    changes: list[TesterStatusChange],
    first: date,
    last: date,
) -> int:
    """active_days from plain values, so the close needs no Tester instance per artist."""
    intervals: list[tuple[date, date]] = []
    if changes:
        start = None
        for change in sorted(changes, key=lambda c: (c.created_at, c.pk)):
            if change.to_status == Tester.Status.ACTIVE and start is None:
                start = _local_day(change.created_at)
            elif change.to_status != Tester.Status.ACTIVE and start is not None:
                intervals.append((start, _local_day(change.created_at)))
                start = None
        if start is not None:
            intervals.append((start, last))
    elif status == Tester.Status.ACTIVE and joined_at:
        joined = _local_day(joined_at)
        if joined <= first:
            return (last - first).days + 1  # the common case: active all month
        intervals.append((joined, last))
    # Clip to the month, then count the days of the union of the (inclusive) intervals.
    total = 0
    covered_to: date | None = None
    for start, end in sorted((max(s, first), min(e, last)) for s, e in intervals):
        if covered_to is not None:
            start = max(start, covered_to + timedelta(days=1))
        if start <= end:
            total += (end - start).days + 1
            covered_to = end if covered_to is None else max(covered_to, end)
    return total


def stipend_source_id(tester_id: int, month: date) -> str:
    return f"{tester_id}:{month:%Y-%m}"


@transaction.atomic
def stipends_accrue(*, program: Program, month: date) -> int:
    """Accrue every tester's stipend for `month` in a few bulk queries. Idempotent per tester.

    The rate is the policy version in force at the end of the month (the stipend is earned
    over the month; a retroactive raise applies, a cut never does). Returns rows created.
    """
    return stipends_accrue_in_transaction(program=program, month=month)


def stipends_accrue_in_transaction(*, program: Program, month: date) -> int:
    """stipends_accrue for a caller already inside a transaction (no savepoint round trips).

    Only testers with no stipend for `month` yet are read: after the month-end accrual
    (stipends_accrue_due) that is none, and closing the period costs one small query here.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stipends_accrue_in_transaction needs an open transaction.")
    first, last = month_bounds(month)
    period_end = timezone.make_aware(
        datetime.combine(last + timedelta(days=1), datetime.min.time())
    )
    # The unique (rule, source_type, source_id) index answers this per tester.
    accrued = Earning.objects.filter(
        rule=RULE,
        source_type=SOURCE_TYPE,
        source_id=Concat(Cast(OuterRef("pk"), CharField()), Value(f":{first:%Y-%m}")),
    )
    due = Tester.objects.filter(
        program=program, joined_at__isnull=False, joined_at__lt=period_end
    ).filter(~Exists(accrued))
    testers = list(due.values_list("id", "status", "joined_at"))
    if not testers:
        return 0
    policy = policy_in_force(program=program, at=period_end - timedelta(microseconds=1))
    if policy is None or policy.stipend_monthly_minor == 0:
        return 0
    changes: dict[int, list] = defaultdict(list)
    for change in TesterStatusChange.objects.filter(tester__in=due).only(
        "tester_id", "to_status", "created_at"
    ):
        changes[change.tester_id].append(change)
    days_in_month = (last - first).days + 1
    amounts = {}
    for tester_id, status, joined_at in testers:
        active = _active_days(
            status=status,
            joined_at=joined_at,
            changes=changes.get(tester_id, []),
            first=first,
            last=last,
        )
        amount = div_round(policy.stipend_monthly_minor * active, days_in_month)
        if amount > 0:
            amounts[tester_id] = (amount, active)
    if not amounts:
        return 0
    txn = LedgerTransaction.objects.create(
        program=program,
        kind=LedgerTransaction.Kind.EARNING,
        memo=f"Stipends {first:%Y-%m}",
        effective_on=last,
        idempotency_key=None,
    )
    now = timezone.now()
    _stipend_earnings(
        txn=txn,
        policy=policy,
        amounts=amounts,
        first=first,
        days_in_month=days_in_month,
        occurred_at=period_end - timedelta(seconds=1),
        when=now,
    )
    expense = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    _stipend_postings(txn=txn, expense=expense, month=first, when=now)
    return len(amounts)


def stipends_accrue_due(*, today: date | None = None) -> dict[int, int]:
    """Accrue last month's stipends for every program as soon as the month has ended.

    Run by beat: artists see their stipend the day a month ends, not when finance closes the
    period, and closing then only computes balances. Idempotent: a rerun finds nobody due.
    Returns {program id: stipends created}. A month whose period is being closed is left to
    the close, which accrues what is missing itself.
    """
    today = today or timezone.localdate()
    month, last = month_bounds(today.replace(day=1) - timedelta(days=1))
    programs = Program.objects.filter(starts_on__lte=last, ends_on__gte=month).exclude(
        payout_periods__month=month
    )
    created = {}
    for program in programs:
        count = stipends_accrue(program=program, month=month)
        if count:
            created[program.pk] = count
    return created


def _stipend_earnings(
    *,
    txn: LedgerTransaction,
    policy,
    amounts: dict[int, tuple[int, int]],
    first: date,
    days_in_month: int,
    occurred_at: datetime,
    when: datetime,
) -> None:
    """One Earning per tester and any missing payable accounts, as two INSERT … SELECT.

    Only (tester, amount, active days) travel, as one parameter per column (rows_source); the
    labels and JSON params are built in the database, so the query count does not grow with
    the number of artists and no ORM object is built per artist.
    """
    t = {
        "earning": Earning._meta.db_table,
        "account": Account._meta.db_table,
    }
    month = f"{first:%Y-%m}"
    active_text = "CAST(v.active AS TEXT)"
    params_json = (
        "'{\"active_days\": ' || " + active_text + f" || ', \"days_in_month\": {days_in_month}}}'"
    )
    if connection.vendor == "postgresql":
        params_json = f"CAST({params_json} AS jsonb)"
    label_prefix = f"Stipend {policy.money(policy.stipend_monthly_minor)}/month x "
    columns = (
        "program_id, tester_id, rule, source_type, source_id, occurred_at, amount_minor, "
        "currency, policy_id, rate_label, params, description, url, transaction_id, "
        "reversal_reason, created_at"
    )
    source, source_params = rows_source(
        alias="v",
        columns=[("tester_id", "bigint"), ("amount", "bigint"), ("active", "integer")],
        rows=[(tid, amount, active) for tid, (amount, active) in amounts.items()],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {t["earning"]} ({columns})
            SELECT %s, v.tester_id, %s, %s, CAST(v.tester_id AS TEXT) || %s, %s, v.amount,
                %s, %s, %s || {active_text} || %s, {params_json}, %s, %s, %s, '', %s
            FROM {source}
            """,  # noqa: S608 - table names from model meta; values are parameters
            [
                txn.program_id,
                RULE,
                SOURCE_TYPE,
                f":{month}",
                occurred_at,
                policy.currency,
                policy.pk,
                label_prefix,
                f"/{days_in_month} active days",
                f"Participation stipend {first:%B %Y}",
                f"/portal/payouts/statements/{month}/",
                txn.pk,
                when,
                *source_params,
            ],
        )
        cursor.execute(
            f"""
            INSERT INTO {t["account"]} (program_id, kind, tester_id)
            SELECT %s, %s, e.tester_id FROM {t["earning"]} e
            WHERE e.transaction_id = %s AND NOT EXISTS (
                SELECT 1 FROM {t["account"]} a
                WHERE a.program_id = %s AND a.kind = %s AND a.tester_id = e.tester_id
            )
            """,  # noqa: S608
            [
                txn.program_id,
                Account.Kind.ARTIST_PAYABLE.value,
                txn.pk,
                txn.program_id,
                Account.Kind.ARTIST_PAYABLE.value,
            ],
        )


def _stipend_postings(
    *, txn: LedgerTransaction, expense: Account, month: date, when: datetime
) -> None:
    """Both sides of every stipend in `txn`, derived in the database from the earnings.

    Each earning gives +amount on the artist's payable account; program expense takes one
    compound leg per currency, minus their sum, whose source is the stipend month. The
    transaction balances per currency by construction, and writes one row per artist, not two.
    """
    t = {
        "posting": Posting._meta.db_table,
        "earning": Earning._meta.db_table,
        "account": Account._meta.db_table,
    }
    columns = (
        "transaction_id, account_id, amount_minor, currency, effective_on, policy_id, "
        "source_type, source_id, earning_id, created_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {t["posting"]} ({columns})
            SELECT e.transaction_id, a.id, e.amount_minor, e.currency, %s, e.policy_id,
                e.source_type, e.source_id, e.id, %s
            FROM {t["earning"]} e
            JOIN {t["account"]} a ON a.tester_id = e.tester_id AND a.program_id = e.program_id
                AND a.kind = %s
            WHERE e.transaction_id = %s
            UNION ALL
            SELECT e.transaction_id, %s, -SUM(e.amount_minor), e.currency, %s, e.policy_id,
                e.source_type, %s, NULL, %s
            FROM {t["earning"]} e
            WHERE e.transaction_id = %s
            GROUP BY e.transaction_id, e.currency, e.policy_id, e.source_type
            """,  # noqa: S608 - table names from model meta; values are parameters
            [
                txn.effective_on,
                when,
                Account.Kind.ARTIST_PAYABLE.value,
                txn.pk,
                expense.pk,
                txn.effective_on,
                f"{month:%Y-%m}",
                when,
                txn.pk,
            ],
        )
