"""Web flows end to end: Celery tasks run eagerly so the enqueued work happens in the test."""

import pytest
from django.test import Client

from atelier.celery import app as celery_app
from payments.models import PayeeAccount, PayoutBatch, PayoutPeriod
from tests.payments.conftest import earn, last_month, stripe_payee


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_finance_closes_approves_and_pays_on_the_web(
    program,
    artist,
    finance_user,
    finance_user2,
    fake_stripe,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    stripe_payee(artist, fake_stripe)
    earn(artist, 6000)
    with django_capture_on_commit_callbacks(execute=True):
        web(finance_user).post("/staff/payments/", {"month": f"{last_month():%Y-%m}"})
    period = PayoutPeriod.objects.get()
    assert period.status == "closed"
    batch = period.batch
    web(finance_user2).post(f"/staff/payments/batches/{batch.pk}/approve")
    with django_capture_on_commit_callbacks(execute=True):
        web(finance_user2).post(f"/staff/payments/batches/{batch.pk}/pay")
    batch = PayoutBatch.objects.get(pk=batch.pk)
    assert batch.status == "paid" and len(fake_stripe.transfers) == 1
    status_row = (
        web(finance_user)
        .get(f"/staff/payments/batches/{batch.pk}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'id="batch-status"' in status_row and "hx-trigger" not in status_row  # done: no polling


@pytest.mark.django_db
def test_stripe_onboarding_creates_account_and_waits_for_the_webhook(artist, fake_stripe, client):
    response = web(artist.user).post("/portal/payouts/onboarding/")
    assert response.status_code == 302 and response["Location"].startswith(fake_stripe.url)
    payee = PayeeAccount.objects.get(tester=artist)
    assert payee.stripe_account_id in fake_stripe.accounts
    web(artist.user).get("/portal/payouts/onboarding/return/")
    payee.refresh_from_db()
    assert payee.payouts_enabled is False  # returning from Stripe does not mean done
    import json

    event = fake_stripe.event(
        "account.updated", fake_stripe.enable_payouts(payee.stripe_account_id)
    )
    payload = json.dumps(event).encode()
    client.post(
        "/payments/stripe/webhook",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=fake_stripe.sign(payload),
    )
    payee.refresh_from_db()
    assert payee.payouts_enabled is True
    assert "Stripe payouts enabled" in web(artist.user).get("/portal/payouts/").content.decode()


@pytest.mark.django_db
def test_stripe_down_during_onboarding_shows_a_message(artist, fake_stripe):
    fake_stripe.down = True
    response = web(artist.user).post("/portal/payouts/onboarding/", follow=True)
    assert "Stripe is not available" in response.content.decode()


@pytest.mark.django_db
def test_reconcile_page_runs_against_stripe(program, finance_user, fake_stripe):
    response = web(finance_user).post("/staff/payments/reconcile/")
    assert "Ledger and Stripe agree" in response.content.decode()


@pytest.mark.django_db
def test_policy_publish_on_the_web_refuses_lowering_past_pay(program_staff, policy):
    from django.utils import timezone

    data = {
        "currency": "USD",
        "effective_from": timezone.now().strftime("%Y-%m-%d %H:%M"),
        "stipend_monthly_minor": 1,
        "duplicate_share_bp": 2500,
        "film_shortlisted_minor": 50000,
        "film_selected_minor": 200000,
        "screening_fee_minor": 30000,
        "session_hourly_minor": 2000,
        "pay_floor_hourly_minor": 2500,
    }
    response = web(program_staff).post("/staff/payments/policy/", data)
    assert (
        response.status_code == 200
        and "lower pay for work already done" in response.content.decode()
    )
    assert policy.program.policies.count() == 1


@pytest.mark.django_db
def test_payouts_page_lets_its_onboarding_form_reach_stripe(artist, settings):
    settings.STRIPE_CONNECT_ORIGIN = "https://connect.stripe.com"
    policy = web(artist.user).get("/portal/payouts/")["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", "https://connect.stripe.com"]
    other = web(artist.user).get("/portal/tokens/")["Content-Security-Policy"]
    assert "connect.stripe.com" not in other
