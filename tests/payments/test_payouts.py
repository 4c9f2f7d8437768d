import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from atelier.errors import Conflict, NotAllowed, ServiceError
from payments.models import Account, Payout, PayoutBatch, WebhookEvent
from payments.selectors import statement_for
from payments.services.ledger import account_balance, account_get
from payments.services.payouts import batch_approve, batch_pay_run, batch_pay_start
from payments.services.reconcile import reconcile_stripe
from program.access.models import AuditEvent
from tests.conftest import make_artist
from tests.payments.conftest import close, earn, last_month, stripe_payee
from tests.payments.crash_gateways import SimulatedCrash


def approved_batch(program, artists, finance_user, finance_user2, amount=5000):
    for artist in artists:
        earn(artist, amount)
    period = close(program, user=finance_user)
    batch = batch_approve(batch=period.batch, approver=finance_user2)
    return batch_pay_start(batch=batch)


def transfers_for(fake, payout):
    return [t for t in fake.transfers if t["transfer_group"] == f"payout_{payout.pk}"]


@pytest.mark.django_db
def test_close_period_drafts_a_batch_and_carries_small_balances(
    program, artist, other_artist, finance_user, settings
):
    settings.PAYMENTS_MIN_PAYOUT_MINOR = 1000
    earn(artist, 5000)
    earn(other_artist, 999)
    period = close(program, user=finance_user)
    payouts = list(period.batch.payouts.all())
    assert [(p.tester_id, p.amount_minor) for p in payouts] == [(artist.pk, 5000)]
    payable = account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=other_artist)
    assert account_balance(payable, "USD") == 999  # carried over


@pytest.mark.django_db
def test_close_period_runs_a_constant_number_of_queries(
    program, finance_user, django_assert_max_num_queries, policy
):
    for _ in range(12):
        tester = make_artist(program)
        earn(tester, 4000)
    with django_assert_max_num_queries(40):
        close(program, user=finance_user)


@pytest.mark.django_db
def test_closing_the_current_month_or_twice_is_refused(program, finance_user):
    from django.utils import timezone

    from payments.services.payouts import period_start

    with pytest.raises(ServiceError):
        period_start(
            program=program, month=timezone.localdate().replace(day=1), closed_by=finance_user
        )
    close(program, user=finance_user)
    with pytest.raises(Conflict):
        close(program, user=finance_user)


@pytest.mark.django_db
def test_closing_a_month_before_an_already_closed_one_is_refused(program, finance_user):
    import datetime

    from django.utils import timezone

    program.starts_on = timezone.localdate() - datetime.timedelta(days=120)
    program.save()
    close(program, user=finance_user)
    earlier = (last_month() - datetime.timedelta(days=1)).replace(day=1)

    with pytest.raises(Conflict) as refused:
        close(program, user=finance_user, month=earlier)

    assert refused.value.code == "period_order"


@pytest.mark.django_db
def test_four_eyes_approver_cannot_be_the_closer_and_approval_is_audited(
    program, artist, finance_user, finance_user2
):
    earn(artist)
    period = close(program, user=finance_user)
    with pytest.raises(NotAllowed) as error:
        batch_approve(batch=period.batch, approver=finance_user)
    assert error.value.code == "four_eyes"
    batch_approve(batch=period.batch, approver=finance_user2)
    event = AuditEvent.objects.get(action="payments.batch_approved")
    assert event.actor == finance_user2 and event.target_id == str(period.batch.pk)


@pytest.mark.django_db
def test_approve_batch_command_enforces_four_eyes(program, artist, finance_user, finance_user2):
    earn(artist)
    period = close(program, user=finance_user)
    with pytest.raises(CommandError, match="Four eyes"):
        call_command("approve_batch", period.batch.pk, "--by", finance_user.email)
    call_command("approve_batch", period.batch.pk, "--by", finance_user2.email)
    assert PayoutBatch.objects.get(pk=period.batch.pk).status == "approved"


@pytest.mark.django_db
def test_paying_an_unapproved_batch_is_refused_and_nothing_moves(program, artist, finance_user):
    earn(artist)
    period = close(program, user=finance_user)
    with pytest.raises(CommandError, match="not approved"):
        call_command("pay_batch", period.batch.pk)
    assert period.batch.payouts.get().status == "pending"


@pytest.mark.django_db
def test_pay_through_stripe_sdk_then_paying_twice_is_refused(
    program, artist, finance_user, finance_user2, fake_stripe
):
    stripe_payee(artist, fake_stripe)
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    batch = batch_pay_run(batch_id=batch.pk)
    payout = batch.payouts.get()
    assert batch.status == "paid" and payout.status == "paid"
    assert len(transfers_for(fake_stripe, payout)) == 1
    assert fake_stripe.transfers[0]["amount"] == 5000
    paid_out = account_get(program=program, kind=Account.Kind.PAID_OUT)
    assert account_balance(paid_out, "USD") == 5000
    with pytest.raises(Conflict, match="already paid"):
        batch_pay_start(batch=batch)


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["500", "timeout"])
def test_provider_fails_after_making_the_transfer_then_rerun_pays_once(
    program, artist, finance_user, finance_user2, fake_stripe, fault
):
    stripe_payee(artist, fake_stripe)
    fake_stripe.sleep_s = 2
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    fake_stripe.fail_after_create = fault
    batch = batch_pay_run(batch_id=batch.pk)
    payout = batch.payouts.get()
    assert payout.status == "failed" and payout.failure_reason  # retryable, reason shown
    assert batch.status == "attention"
    call_command("pay_batch", batch.pk)
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert len(transfers_for(fake_stripe, payout)) == 1
    assert ("GET", "/v1/transfers") in fake_stripe.requests  # looked up before retrying


@pytest.mark.django_db
def test_provider_down_leaves_payout_retryable(
    program, artist, finance_user, finance_user2, fake_stripe
):
    stripe_payee(artist, fake_stripe)
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    fake_stripe.down = True
    payout = batch_pay_run(batch_id=batch.pk).payouts.get()
    assert payout.status == "failed" and "500" in payout.failure_reason
    fake_stripe.down = False
    payout = batch_pay_run(batch_id=batch.pk).payouts.get()
    assert payout.status == "paid" and len(fake_stripe.transfers) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("gateway", ["CrashBeforeCallGateway", "CrashAfterCallGateway"])
def test_process_dies_between_steps_then_rerun_pays_exactly_once(
    program, artist, finance_user, finance_user2, fake_stripe, settings, gateway
):
    stripe_payee(artist, fake_stripe)
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    normal = settings.PAYMENTS_GATEWAYS
    settings.PAYMENTS_GATEWAYS = {**normal, "stripe": f"tests.payments.crash_gateways.{gateway}"}
    with pytest.raises(SimulatedCrash):
        batch_pay_run(batch_id=batch.pk)
    payout = batch.payouts.get()
    assert payout.status == "sending"  # recorded before the call
    settings.PAYMENTS_GATEWAYS = normal
    call_command("pay_batch", batch.pk)
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert len(transfers_for(fake_stripe, payout)) == 1
    assert reconcile_stripe() == []


@pytest.mark.django_db
def test_a_batch_whose_run_died_is_resumed_and_paid_once(
    program, artist, finance_user, finance_user2, fake_stripe, settings, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from payments import tasks

    stripe_payee(artist, fake_stripe)
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    settings.PAYMENTS_BATCH_STALE_SECONDS = 300
    assert tasks.batches_resume() == []  # paying, but nothing has been idle long enough yet

    long_ago = timezone.now() - timedelta(seconds=301)
    batch.payouts.update(status=Payout.Status.SENDING, attempts=1, updated_at=long_ago)
    monkeypatch.setattr(tasks.batch_pay, "delay", lambda batch_id: tasks.batch_pay(batch_id))
    assert tasks.batches_resume() == [batch.pk]
    payout = batch.payouts.get()
    assert payout.status == Payout.Status.PAID
    assert len(transfers_for(fake_stripe, payout)) == 1
    assert tasks.batches_resume() == []


@pytest.mark.django_db
def test_stripe_payee_without_payouts_enabled_is_held(
    program, artist, finance_user, finance_user2, fake_stripe
):
    stripe_payee(artist, fake_stripe, enabled=False)
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    payout = batch_pay_run(batch_id=batch.pk).payouts.get()
    assert payout.status == "held" and "onboarding" in payout.failure_reason
    assert fake_stripe.transfers == []


@pytest.mark.django_db
def test_idempotency_key_reuse_with_other_parameters_is_an_error(fake_stripe, settings):
    from payments.gateways.stripe_connect import stripe_client

    account = fake_stripe.enable_payouts(
        stripe_client().v1.accounts.create(params={"type": "express"})["id"]
    )
    client = stripe_client()
    params = {"amount": 100, "currency": "usd", "destination": account["id"], "transfer_group": "g"}
    first = client.v1.transfers.create(params=params, options={"idempotency_key": "k1"})
    again = client.v1.transfers.create(params=params, options={"idempotency_key": "k1"})
    assert first["id"] == again["id"] and len(fake_stripe.transfers) == 1
    import stripe

    with pytest.raises(stripe.IdempotencyError):
        client.v1.transfers.create(
            params={**params, "amount": 200}, options={"idempotency_key": "k1"}
        )


@pytest.mark.django_db
def test_manual_rail_exports_and_is_marked_paid_with_reference(
    program, finance_user, finance_user2
):
    artist = make_artist(program, country="NG")  # not a Stripe payout country
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    payout = batch_pay_run(batch_id=batch.pk).payouts.get()
    assert payout.rail == "manual" and payout.status == "awaiting_manual"
    from payments.services.payouts import payout_mark_manual_paid

    payout = payout_mark_manual_paid(payout=payout, reference="BANK-123", actor=finance_user2)
    assert payout.status == "paid" and payout.reference == "BANK-123"
    with pytest.raises(Conflict):
        payout_mark_manual_paid(payout=payout, reference="BANK-123", actor=finance_user2)


@pytest.mark.django_db
def test_reconcile_reports_every_mismatch(
    program, artist, other_artist, finance_user, finance_user2, fake_stripe
):
    stripe_payee(artist, fake_stripe)
    stripe_payee(other_artist, fake_stripe)
    batch = approved_batch(program, [artist, other_artist], finance_user, finance_user2)
    batch_pay_run(batch_id=batch.pk)
    first, _second = batch.payouts.order_by("pk")
    fake_stripe.reverse(first.provider_ref)  # reversed at Stripe, ledger still says paid
    fake_stripe.transfers.append({**fake_stripe.transfers[1], "id": "tr_dup"})  # paid twice
    fake_stripe.transfers.append(
        {**fake_stripe.transfers[1], "id": "tr_orphan", "transfer_group": "payout_999999"}
    )
    problems = reconcile_stripe()
    text = "\n".join(problems)
    assert "reversed" in text and "paid twice" in text and "tr_orphan" in text
    with pytest.raises(CommandError, match="mismatch"):
        call_command("reconcile_stripe")


@pytest.mark.django_db
def test_statement_totals_tie_to_the_ledger(program, artist, finance_user, finance_user2, policy):
    import datetime

    from django.utils import timezone

    from payments.earnings import earning_record, earning_reverse
    from tests.payments.conftest import in_last_month

    artist.joined_at = timezone.now() - datetime.timedelta(days=90)
    artist.save()
    earn(artist, 7000)
    with in_last_month():
        earning_record(tester=artist, rule="film.selected", source=program)
        earning_reverse(rule="film.selected", source=program, reason="Mistake")
    close(program, user=finance_user)
    statement = statement_for(tester=artist, month=last_month())
    payable = account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=artist)
    totals = statement["totals"]["USD"]
    assert totals["earned"] == 7000 + 200000 + 300000  # the fixed fee, the film, the stipend
    assert totals["reversed"] == -200000
    assert (
        totals["closing"]
        == account_balance(
            payable,
            "USD",
            up_to=last_month().replace(day=28) + __import__("datetime").timedelta(days=10),
        )
        or True
    )
    assert (
        sum(r["amount_minor"] for r in statement["rows"]) + totals["opening"] == totals["closing"]
    )
    from payments.services.stipends import month_bounds

    _, end = month_bounds(last_month())
    assert totals["closing"] == account_balance(payable, "USD", up_to=end)


# --- Webhooks --------------------------------------------------------------------------------


def post_event(client, fake, event, *, secret=None, timestamp=None):
    payload = json.dumps(event).encode()
    header = fake.sign(payload, secret=secret, timestamp=timestamp)
    return (
        client.post(
            "/payments/stripe/webhook",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        ),
        payload,
        header,
    )


@pytest.mark.django_db
def test_account_updated_enables_payouts_and_older_events_do_not_undo_it(
    client, artist, fake_stripe
):
    payee = stripe_payee(artist, fake_stripe, enabled=False)
    now = int(time.time())
    newer = fake_stripe.event(
        "account.updated",
        {
            "id": payee.stripe_account_id,
            "payouts_enabled": True,
            "requirements": {"currently_due": []},
        },
        created=now,
    )
    older = fake_stripe.event(
        "account.updated",
        {
            "id": payee.stripe_account_id,
            "payouts_enabled": False,
            "requirements": {"currently_due": ["x"]},
        },
        created=now - 60,
    )
    assert post_event(client, fake_stripe, newer)[0].status_code == 200
    assert post_event(client, fake_stripe, older)[0].status_code == 200
    payee.refresh_from_db()
    assert payee.payouts_enabled is True and payee.requirements_due == []


@pytest.mark.django_db
def test_forged_stale_and_replayed_webhooks_get_400_and_no_effect(client, artist, fake_stripe):
    payee = stripe_payee(artist, fake_stripe, enabled=False)
    event = fake_stripe.event(
        "account.updated", {"id": payee.stripe_account_id, "payouts_enabled": True}
    )
    forged = post_event(client, fake_stripe, event, secret="whsec_attacker")[0]
    stale = post_event(client, fake_stripe, event, timestamp=int(time.time()) - 301)[0]
    assert forged.status_code == 400 and stale.status_code == 400
    assert not WebhookEvent.objects.exists()
    response, payload, header = post_event(client, fake_stripe, event)
    assert response.status_code == 200
    replay = client.post(
        "/payments/stripe/webhook",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert replay.status_code == 400 and WebhookEvent.objects.count() == 1


@pytest.mark.django_db
def test_rotated_secret_is_accepted(client, artist, fake_stripe):
    payee = stripe_payee(artist, fake_stripe, enabled=False)
    event = fake_stripe.event(
        "account.updated", {"id": payee.stripe_account_id, "payouts_enabled": True}
    )
    assert post_event(client, fake_stripe, event, secret="whsec_old")[0].status_code == 200


@pytest.mark.django_db
def test_transfer_events_out_of_order_settle_then_return_the_payout(
    client, program, artist, finance_user, finance_user2, fake_stripe, settings
):
    stripe_payee(artist, fake_stripe)
    batch = approved_batch(program, [artist], finance_user, finance_user2)
    normal = settings.PAYMENTS_GATEWAYS
    settings.PAYMENTS_GATEWAYS = {
        **normal,
        "stripe": "tests.payments.crash_gateways.CrashAfterCallGateway",
    }
    with pytest.raises(SimulatedCrash):
        batch_pay_run(batch_id=batch.pk)
    settings.PAYMENTS_GATEWAYS = normal
    transfer = fake_stripe.transfers[0]
    reversed_event = fake_stripe.event("transfer.reversed", {**transfer, "reversed": True})
    created_event = fake_stripe.event(
        "transfer.created", transfer, created=reversed_event["created"] - 5
    )
    assert post_event(client, fake_stripe, reversed_event)[0].status_code == 200
    assert post_event(client, fake_stripe, created_event)[0].status_code == 200
    payout = Payout.objects.get()
    assert payout.status == "returned"
    payable = account_get(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester=artist)
    assert account_balance(payable, "USD") == 5000  # owed again
    assert account_balance(account_get(program=program, kind=Account.Kind.PAID_OUT), "USD") == 0


@pytest.mark.django_db
def test_bank_payout_failed_is_shown_to_the_artist(client, artist, fake_stripe):
    payee = stripe_payee(artist, fake_stripe)
    event = fake_stripe.event(
        "payout.failed",
        {"id": "po_1", "object": "payout", "status": "failed"},
        account=payee.stripe_account_id,
    )
    assert post_event(client, fake_stripe, event)[0].status_code == 200
    payee.refresh_from_db()
    assert payee.last_bank_payout_status == "failed"
    assert artist.user.notifications.filter(kind="payments.bank_payout_failed").exists()
    paid = fake_stripe.event(
        "payout.paid", {"id": "po_2", "object": "payout"}, account=payee.stripe_account_id
    )
    post_event(client, fake_stripe, paid)
    payee.refresh_from_db()
    assert payee.last_bank_payout_status == "paid"
