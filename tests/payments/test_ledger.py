import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atelier.errors import ServiceError
from payments.models import Account, LedgerTransaction, Posting
from payments.money import format_minor, parse_major
from payments.services.ledger import Leg, account_balances, account_get, ledger_post, ledger_reverse
from tests.factories import ProgramFactory

HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
transfers = st.lists(
    st.tuples(
        st.integers(0, 3), st.integers(0, 3), st.integers(1, 10**9), st.sampled_from(["USD", "JPY"])
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@HYPOTHESIS
@given(moves=transfers)
def test_every_transaction_balances_and_balances_equal_sum_of_postings(moves):
    program = ProgramFactory(slug="ledger-props")
    accounts = [
        account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE),
        account_get(program=program, kind=Account.Kind.PAYOUTS_IN_FLIGHT),
        account_get(program=program, kind=Account.Kind.PAID_OUT),
    ]
    accounts.append(accounts[0])
    # Examples share the test database, so compare the change against the balances before.
    expected: dict = dict(account_balances(accounts=accounts))
    for src, dst, amount, currency in moves:
        if accounts[src] == accounts[dst]:
            continue
        ledger_post(
            program=program,
            kind="adjustment",
            legs=[
                Leg(account=accounts[src], amount_minor=-amount, currency=currency),
                Leg(account=accounts[dst], amount_minor=amount, currency=currency),
            ],
        )
        expected[(accounts[src].pk, currency)] = (
            expected.get((accounts[src].pk, currency), 0) - amount
        )
        expected[(accounts[dst].pk, currency)] = (
            expected.get((accounts[dst].pk, currency), 0) + amount
        )
    for txn in LedgerTransaction.objects.filter(program=program):
        per_currency: dict = {}
        for posting in txn.postings.all():
            per_currency[posting.currency] = (
                per_currency.get(posting.currency, 0) + posting.amount_minor
            )
        assert all(total == 0 for total in per_currency.values())
    balances = account_balances(accounts=accounts)
    assert {k: v for k, v in balances.items() if v} == {k: v for k, v in expected.items() if v}


@pytest.mark.django_db
@HYPOTHESIS
@given(moves=transfers)
def test_reversals_restore_balances(moves):
    program = ProgramFactory(slug="ledger-reverse")
    a = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    b = account_get(program=program, kind=Account.Kind.PAID_OUT)
    before = account_balances(accounts=[a, b])
    txns = [
        ledger_post(
            program=program,
            kind="adjustment",
            legs=[
                Leg(account=a, amount_minor=-amount, currency=currency),
                Leg(account=b, amount_minor=amount, currency=currency),
            ],
        )
        for _, _, amount, currency in moves
    ]
    for txn in txns:
        ledger_reverse(txn=txn)
    after = account_balances(accounts=[a, b])
    assert {k: v for k, v in after.items() if v} == {k: v for k, v in before.items() if v}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "legs",
    [
        [(-100, "USD"), (99, "USD")],
        [(-100, "USD"), (100, "EUR")],
        [(0, "USD"), (0, "USD")],
        [(-100, "XXX"), (100, "XXX")],
    ],
)
def test_unbalanced_zero_or_unknown_currency_is_refused_and_nothing_is_written(program, legs):
    a = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    b = account_get(program=program, kind=Account.Kind.PAID_OUT)
    with pytest.raises(ServiceError):
        ledger_post(
            program=program,
            kind="adjustment",
            legs=[
                Leg(account=acc, amount_minor=amt, currency=cur)
                for acc, (amt, cur) in zip((a, b), legs, strict=True)
            ],
        )
    assert not Posting.objects.exists()


def _one_posting(program):
    a = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    b = account_get(program=program, kind=Account.Kind.PAID_OUT)
    ledger_post(
        program=program,
        kind="adjustment",
        legs=[
            Leg(account=a, amount_minor=-5, currency="USD"),
            Leg(account=b, amount_minor=5, currency="USD"),
        ],
    )
    return Posting.objects.first()


@pytest.mark.django_db
def test_database_refuses_update_of_a_posting(program):
    posting = _one_posting(program)
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount_minor=500)
    assert Posting.objects.get(pk=posting.pk).amount_minor == posting.amount_minor


@pytest.mark.django_db
def test_database_refuses_delete_of_a_posting_even_in_raw_sql(program):
    posting = _one_posting(program)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_posting WHERE id = %s", [posting.pk])
    assert Posting.objects.filter(pk=posting.pk).exists()


@pytest.mark.django_db
def test_a_transaction_is_reversed_only_once(program):
    posting = _one_posting(program)
    ledger_reverse(txn=posting.transaction)
    with pytest.raises(ServiceError):
        ledger_reverse(txn=posting.transaction)


def test_money_formatting_uses_each_currency_exponent():
    assert format_minor(123456, "USD") == "$1,234.56"
    assert format_minor(1234, "JPY") == "¥1,234"
    assert format_minor(-5, "EUR") == "-€0.05"
    assert parse_major("12.3", "USD") == 1230
    assert parse_major("1200", "JPY") == 1200
    with pytest.raises(ServiceError):
        parse_major("12.5", "JPY")
