"""Artist payable balances kept by the database always equal the sum of the postings."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.models import Account, PayableBalance, Posting
from payments.services.ledger import Leg, account_get, ledger_post, ledger_reverse
from tests.conftest import make_artist
from tests.factories import ProgramFactory
from tests.payments.conftest import close, earn

HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Each transaction: legs (payable account index, amount, currency), balanced against expense.
transactions = st.lists(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(-(10**9), 10**9).filter(bool), st.just("USD"))
        | st.tuples(st.integers(0, 2), st.integers(1, 10**6), st.just("JPY")),
        min_size=1,
        max_size=5,
    ),
    min_size=1,
    max_size=6,
)


def kept_and_summed(accounts):
    kept = {
        (b.account_id, b.currency): b.balance_minor
        for b in PayableBalance.objects.filter(account__in=accounts)
    }
    summed = {
        (row["account_id"], row["currency"]): row["total"]
        for row in Posting.objects.filter(account__in=accounts)
        .values("account_id", "currency")
        .annotate(total=Sum("amount_minor"))
    }
    return kept, summed


@pytest.mark.django_db
@HYPOTHESIS
@given(batches=transactions, reverse_every=st.integers(1, 3))
def test_kept_payable_balances_equal_the_sum_of_postings(batches, reverse_every):
    program = ProgramFactory(slug="balance-props")
    payables = [
        account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=make_artist(program))
        for _ in range(3)
    ]
    expense = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    for index, legs in enumerate(batches):
        # Several legs on one account in one statement must all count.
        payable_legs = [
            Leg(account=payables[i], amount_minor=amount, currency=currency)
            for i, amount, currency in legs
        ]
        totals: dict[str, int] = {}
        for leg in payable_legs:
            totals[leg.currency] = totals.get(leg.currency, 0) + leg.amount_minor
        offsets = [
            Leg(account=expense, amount_minor=-total, currency=currency)
            for currency, total in totals.items()
            if total
        ]
        txn = ledger_post(program=program, kind="adjustment", legs=payable_legs + offsets)
        if index % reverse_every == 0:
            ledger_reverse(txn=txn)

    kept, summed = kept_and_summed(payables)
    assert kept == summed
    assert not PayableBalance.objects.filter(account=expense).exists()


@pytest.mark.django_db
def test_closing_a_period_pays_the_kept_balance_less_postings_dated_after_it(
    program, artist, finance_user, policy
):
    earn(artist, 5000)
    payable = account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=artist)
    expense = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    ledger_post(  # this month's work: not due in last month's period
        program=program,
        kind="adjustment",
        effective_on=timezone.localdate(),
        legs=[
            Leg(account=payable, amount_minor=700, currency="USD"),
            Leg(account=expense, amount_minor=-700, currency="USD"),
        ],
    )

    payout = close(program, user=finance_user).batch.payouts.get()

    assert payout.amount_minor == 5000
    assert PayableBalance.objects.get(account=payable).balance_minor == 700
    kept, summed = kept_and_summed([payable])
    assert kept == summed


@pytest.mark.django_db
def test_the_database_refuses_writes_to_kept_balances_that_skip_the_ledger(program, artist):
    if connection.vendor != "postgresql":
        pytest.skip("the guard trigger is Postgres's (pg_trigger_depth)")
    earn(artist, 5000)
    balance = PayableBalance.objects.get()
    for sql in (
        "UPDATE payments_payablebalance SET balance_minor = 1",
        "DELETE FROM payments_payablebalance",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    balance.refresh_from_db()
    assert balance.balance_minor == 5000


@pytest.mark.django_db
def test_the_artists_balance_is_the_kept_balance(program, artist, other_artist, policy):
    from payments.selectors import payable_balance

    earn(artist, 5000)
    earn(artist, 2500, source=other_artist)

    assert payable_balance(tester=artist) == {"USD": 7500}
    assert payable_balance(tester=other_artist) == {}
