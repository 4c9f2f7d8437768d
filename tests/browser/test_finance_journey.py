"""Journey 3: finance close the month, a second person approves, the batch is paid through the
loopback Stripe server; the artist's statement matches the ledger; /transparency shows it."""

import datetime
import re

import pytest
from django.utils import timezone

from payments.models import Account, PayoutBatch, PayoutPeriod, Posting
from payments.money import format_minor
from program.roles import Role
from tests.conftest import make_artist, make_staff
from tests.payments.conftest import earn, last_month
from tests.payments.factories import policy_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_finance_close_four_eyes_pay_statement_and_transparency(
    stripe_worker,
    gpu_worker,
    live_server,
    page_for,
    page,
    shot,
    program,
    program_staff,
    finance_user,
):
    # Preconditions: a published policy, an artist who earned last month (a selected film).
    base = live_server.url
    policy_for(program, by=program_staff)
    artist = make_artist(
        program,
        display_name="Inès Duarte",
        country="PT",
        joined_at=timezone.now() - datetime.timedelta(days=90),
    )
    earn(artist, 200000, rule="film.selected")
    second = make_staff(Role.FINANCE, "finance2@staff.test")
    month = last_month()

    # The artist connects Stripe through (the loopback) hosted onboarding.
    own = page_for(artist.user)
    own.goto(f"{base}/portal/payouts/")
    own.get_by_role("button", name="Set up Stripe payouts").click()
    own.wait_for_load_state()
    own.wait_for_url(re.compile(re.escape(stripe_worker.url)))
    own.get_by_role("button", name="Submit details").click()
    own.wait_for_url(re.compile(r"/portal/payouts/"))
    own.goto(f"{base}/portal/payouts/")
    assert own.get_by_text("Stripe payouts enabled").first.is_visible()
    shot(own, "finance-1-artist-stripe-connected")

    # Finance closes the period; the worker drafts the batch while the row shows progress.
    closer = page_for(finance_user)
    closer.goto(f"{base}/staff/payments/")
    closer.get_by_label("Month").fill(f"{month:%Y-%m}")
    closer.get_by_role("button", name="Close period").click()
    row = closer.locator("tr[id^=period-]").first
    row.get_by_text("Closed", exact=True).wait_for(timeout=60_000)
    period = PayoutPeriod.objects.get(program=program)
    batch = PayoutBatch.objects.get(period=period)
    assert batch.status == "draft"
    shot(closer, "finance-2-period-closed")

    # Four eyes: the person who closed it is not offered the approval (and is refused it).
    closer.get_by_role("link", name=f"Batch #{batch.pk}").click()
    assert closer.get_by_text("Waiting for a second finance person to approve").is_visible()
    assert closer.get_by_role("button", name="Approve").count() == 0
    shot(closer, "finance-3-batch-waits-for-second-person")
    csrf = next(c["value"] for c in closer.context.cookies() if c["name"] == "csrftoken")
    refused = closer.request.post(
        f"{base}/staff/payments/batches/{batch.pk}/approve", headers={"X-CSRFToken": csrf}
    )
    assert "cannot approve" in refused.text()
    batch.refresh_from_db()
    assert batch.status == "draft"

    approver = page_for(second)
    approver.goto(f"{base}/staff/payments/batches/{batch.pk}/")
    approver.get_by_role("button", name="Approve").click()
    approver.wait_for_load_state()
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by == second
    approver.get_by_role("button", name="Pay", exact=True).click()
    try:
        approver.locator("#batch-status .badge-paid").first.wait_for(timeout=90_000)
    except Exception as exc:
        batch.refresh_from_db()
        raise AssertionError(
            f"batch {batch.status}: {list(batch.payouts.values_list('status', 'failure_reason'))}"
            f"\n{gpu_worker.log()[-3000:]}"
        ) from exc
    shot(approver, "finance-4-batch-paid")
    batch.refresh_from_db()
    assert batch.status == "paid"
    assert [t["amount"] for t in stripe_worker.transfers] == [
        p.amount_minor for p in batch.payouts.all()
    ]

    # The artist's statement: one line per ledger posting, same amounts.
    own.goto(f"{base}/portal/payouts/statements/{month:%Y-%m}/")
    postings = Posting.objects.filter(
        account__tester=artist,
        account__kind=Account.Kind.ARTIST_PAYABLE,
        effective_on__year=month.year,
        effective_on__month=month.month,
    ).order_by("effective_on", "id")
    assert postings.exists()
    shown = own.locator("tbody tr td.num").all_inner_texts()
    assert shown == [format_minor(p.amount_minor, p.currency) for p in postings]
    shot(own, "finance-5-artist-statement")

    # The public transparency report shows the payment.
    paid = sum(p.amount_minor for p in batch.payouts.all())
    page.goto(f"{base}/transparency")
    figures = page.locator(".stat").all_inner_texts()
    assert any(format_minor(paid, "USD") in text for text in figures), figures
    assert any(re.search(r"Artists paid\s+1\b", text) for text in figures), figures
    shot(page, "finance-6-transparency")
    assert closer.js_errors == approver.js_errors == own.js_errors == page.js_errors == []
