import datetime

import pytest
import time_machine
from django.utils import timezone

from payments.models import PayeeAccount
from payments.services.payouts import period_close_run, period_start
from program.roles import Role
from tests.conftest import make_artist, make_staff
from tests.payments.factories import policy_for
from tests.payments.stripe_server import FakeStripe


@pytest.fixture
def policy(program, program_staff):
    return policy_for(program, by=program_staff)


@pytest.fixture
def finance_user2(db):
    return make_staff(Role.FINANCE, email="finance2@staff.test")


@pytest.fixture
def fake_stripe(settings):
    server = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_old", server.webhook_secret]
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_S = 1
    yield server
    server.stop()


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def in_last_month():
    """Travel to the middle of last month, so earnings fall in the period we close."""
    moment = datetime.datetime.combine(last_month().replace(day=15), datetime.time(12))
    return time_machine.travel(timezone.make_aware(moment), tick=True)


def earn(tester, amount=5000, source=None, rule="license.fee"):
    from payments.earnings import earning_record

    with in_last_month():
        return earning_record(
            tester=tester,
            rule=rule,
            source=source or tester,
            amount_minor=amount,
            currency="USD",
            description="Test work",
        )


def close(program, user=None, month=None):
    period = period_start(program=program, month=month or last_month(), closed_by=user)
    return period_close_run(period_id=period.pk)


def stripe_payee(tester, fake, enabled=True) -> PayeeAccount:
    account = fake.next_id("acct")
    fake.accounts[account] = {
        "id": account,
        "object": "account",
        "payouts_enabled": enabled,
        "requirements": {"currently_due": []},
    }
    return PayeeAccount.objects.create(
        tester=tester, rail="stripe", stripe_account_id=account, payouts_enabled=enabled
    )


@pytest.fixture
def artist_joined_long_ago(program):
    return make_artist(program, joined_at=timezone.now() - datetime.timedelta(days=90))
