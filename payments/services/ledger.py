"""The double-entry ledger: balanced, append-only transactions of integer postings."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from atelier.errors import ServiceError
from payments.models import Account, CompensationPolicy, Earning, LedgerTransaction, Posting
from payments.money import currency_check
from program.models import Program, Tester


@dataclass(frozen=True)
class Leg:
    account: Account
    amount_minor: int
    currency: str
    source_type: str = ""
    source_id: str = ""
    policy: CompensationPolicy | None = None
    earning: Earning | None = None


def source_label(source) -> tuple[str, str]:
    """(type, id) naming a model instance, e.g. ("feedback.feedback", "12")."""
    return source._meta.label_lower, str(source.pk)


def account_get(*, program: Program, kind: str, tester: Tester | None = None) -> Account:
    account, _ = Account.objects.get_or_create(program=program, kind=kind, tester=tester)
    return account


def payable_accounts(*, program: Program, tester_ids) -> dict[int, Account]:
    """Each tester's payable account, creating the missing ones in one bulk insert."""
    tester_ids = set(tester_ids)
    found = {
        a.tester_id: a
        for a in Account.objects.filter(
            program=program, kind=Account.Kind.ARTIST_PAYABLE, tester_id__in=tester_ids
        )
    }
    missing = tester_ids - set(found)
    if missing:
        Account.objects.bulk_create(
            [
                Account(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester_id=tid)
                for tid in missing
            ],
            ignore_conflicts=True,
        )
        found.update(
            {
                a.tester_id: a
                for a in Account.objects.filter(
                    program=program, kind=Account.Kind.ARTIST_PAYABLE, tester_id__in=missing
                )
            }
        )
    return found


def legs_check(legs: list[Leg]) -> None:
    """Every transaction balances to zero per currency; amounts are non-zero integers."""
    if len(legs) < 2:
        raise ServiceError("A transaction needs at least two postings.", code="unbalanced")
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        if isinstance(leg.amount_minor, bool) or not isinstance(leg.amount_minor, int):
            raise ServiceError("Amounts are integers of minor units.", code="invalid_amount")
        if leg.amount_minor == 0:
            raise ServiceError("A posting cannot be zero.", code="invalid_amount")
        currency_check(leg.currency)
        totals[leg.currency] += leg.amount_minor
    unbalanced = {c: t for c, t in totals.items() if t != 0}
    if unbalanced:
        raise ServiceError(
            f"Postings do not balance: {unbalanced}", code="unbalanced", field="postings"
        )


def postings_build(txn: LedgerTransaction, legs: list[Leg]) -> list[Posting]:
    return [
        Posting(
            transaction=txn,
            account=leg.account,
            amount_minor=leg.amount_minor,
            currency=leg.currency,
            effective_on=txn.effective_on,
            policy=leg.policy,
            source_type=leg.source_type,
            source_id=leg.source_id,
            earning=leg.earning,
            created_at=txn.created_at,
        )
        for leg in legs
    ]


@transaction.atomic
def ledger_post(
    *,
    program: Program,
    kind: str,
    legs: list[Leg],
    memo: str = "",
    effective_on: date | None = None,
    reverses: LedgerTransaction | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Append one balanced transaction. With an idempotency key, a repeat returns the first."""
    legs_check(legs)
    if idempotency_key:
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                program=program,
                kind=kind,
                memo=memo[:300],
                effective_on=effective_on or timezone.localdate(),
                reverses=reverses,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        if idempotency_key:
            return LedgerTransaction.objects.get(idempotency_key=idempotency_key)
        raise ServiceError(
            "This transaction was already reversed.", code="already_reversed"
        ) from None
    Posting.objects.bulk_create(postings_build(txn, legs))
    return txn


def mirror_legs(postings, *, earning: Earning | None = None) -> list[Leg]:
    """The legs that undo `postings` (a correction never edits the originals)."""
    return [
        Leg(
            account=p.account,
            amount_minor=-p.amount_minor,
            currency=p.currency,
            source_type=p.source_type,
            source_id=p.source_id,
            policy=p.policy,
            earning=earning or p.earning,
        )
        for p in postings
    ]


@transaction.atomic
def ledger_reverse(
    *, txn: LedgerTransaction, memo: str = "", effective_on: date | None = None
) -> LedgerTransaction:
    """Correct a transaction by posting its mirror image; the original stays untouched."""
    if LedgerTransaction.objects.filter(reverses=txn).exists():
        raise ServiceError("This transaction was already reversed.", code="already_reversed")
    legs = mirror_legs(txn.postings.select_related("account", "earning"))
    return ledger_post(
        program=txn.program,
        kind=LedgerTransaction.Kind.REVERSAL,
        legs=legs,
        memo=memo or f"Reversal of #{txn.pk}",
        effective_on=effective_on,
        reverses=txn,
    )


def account_balances(*, accounts, up_to: date | None = None) -> dict[tuple[int, str], int]:
    """{(account_id, currency): balance} from one aggregate over the postings."""
    queryset = Posting.objects.filter(account__in=accounts)
    if up_to is not None:
        queryset = queryset.filter(effective_on__lte=up_to)
    rows = queryset.values("account_id", "currency").annotate(total=Sum("amount_minor"))
    return {(r["account_id"], r["currency"]): r["total"] for r in rows}


def account_balance(account: Account, currency: str, *, up_to: date | None = None) -> int:
    return account_balances(accounts=[account], up_to=up_to).get((account.pk, currency), 0)
