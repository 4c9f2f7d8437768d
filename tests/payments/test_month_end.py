"""Stipends accrue once a month has ended (beat), so closing the period only computes balances."""

import pytest
from django.conf import settings
from django.utils import timezone

from payments.models import Earning, Posting
from payments.services.ledger import account_balance, account_get
from payments.services.stipends import stipends_accrue_due
from tests.payments.conftest import close, earn, last_month


@pytest.mark.django_db
def test_last_months_stipends_accrue_once_the_month_has_ended(
    program, policy, artist_joined_long_ago
):
    assert stipends_accrue_due() == {program.pk: 1}
    assert stipends_accrue_due() == {}  # a rerun finds nobody due

    earning = Earning.objects.get(tester=artist_joined_long_ago, rule="stipend.month")
    assert earning.source_id == f"{artist_joined_long_ago.pk}:{last_month():%Y-%m}"


@pytest.mark.django_db
def test_a_period_closed_after_the_month_end_accrual_pays_the_stipend_once(
    program, policy, artist_joined_long_ago, finance_user
):
    stipends_accrue_due()

    period = close(program, user=finance_user)

    assert Earning.objects.filter(rule="stipend.month").count() == 1
    payout = period.batch.payouts.get()
    assert payout.amount_minor == 300000


@pytest.mark.django_db
def test_closing_a_period_still_accrues_stipends_the_month_end_run_missed(
    program, policy, artist_joined_long_ago, finance_user
):
    period = close(program, user=finance_user)

    assert period.batch.payouts.get().amount_minor == 300000


@pytest.mark.django_db
def test_a_closed_month_is_not_accrued_again(program, policy, artist_joined_long_ago, finance_user):
    close(program, user=finance_user)

    assert stipends_accrue_due() == {}


@pytest.mark.django_db
def test_a_program_that_had_not_started_last_month_accrues_nothing(policy, program):
    from tests.conftest import make_artist

    program.starts_on = timezone.localdate().replace(day=1)
    program.save()
    make_artist(program, joined_at=timezone.now())

    assert stipends_accrue_due() == {}


@pytest.mark.django_db
def test_the_reserve_moves_each_payout_off_its_payable_and_one_sum_into_flight(
    program, artist, other_artist, finance_user, policy
):
    earn(artist, 5000)
    earn(other_artist, 7000)

    batch = close(program, user=finance_user).batch

    reserve = Posting.objects.filter(transaction__idempotency_key=f"batch_reserve:{batch.pk}")
    in_flight = account_get(program=program, kind="payouts_in_flight")
    legs = sorted((p.account.kind, p.amount_minor, p.source_type) for p in reserve)
    assert legs == [
        ("artist_payable", -7000, "payments.payout"),
        ("artist_payable", -5000, "payments.payout"),
        ("payouts_in_flight", 12000, "payments.payoutbatch"),
    ]
    assert account_balance(in_flight, "USD") == 12000
    for tester in (artist, other_artist):
        payable = account_get(program=program, kind="artist_payable", tester=tester)
        assert account_balance(payable, "USD") == 0


def test_beat_runs_the_month_end_stipend_accrual():
    entry = settings.CELERY_BEAT_SCHEDULE["payments-stipends-accrue"]
    assert entry["task"] == "payments.stipends_accrue_due"
    assert entry["schedule"] == settings.PAYMENTS_STIPEND_ACCRUAL_INTERVAL


def test_the_month_end_task_is_registered():
    from atelier.celery import app

    app.loader.import_default_modules()
    assert "payments.stipends_accrue_due" in app.tasks
