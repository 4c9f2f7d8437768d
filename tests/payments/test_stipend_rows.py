"""Stipend rows written in SQL by close_period carry the same labels an ORM insert did."""

import datetime

import pytest
from django.utils import timezone

from payments.models import Account, Earning, Posting
from payments.services.stipends import active_days, stipends_accrue
from program.models import TesterStatusChange
from tests.payments.factories import policy_for


@pytest.mark.django_db
def test_a_day_in_two_active_spells_counts_once(artist):
    start = timezone.make_aware(datetime.datetime(2026, 3, 1, 9))
    for days, status in ((0, "active"), (9, "suspended"), (9, "active")):
        TesterStatusChange.objects.create(
            tester=artist,
            to_status=status,
            reason="x",
            created_at=start + datetime.timedelta(days=days, hours=days),
        )
    changes = list(artist.status_changes.all())
    first, last = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    assert active_days(tester=artist, changes=changes, first=first, last=last) == 31


@pytest.mark.django_db
def test_stipend_earning_has_rate_label_params_and_balanced_postings(program, artist):
    policy_for(program, effective_from=timezone.now() - datetime.timedelta(days=400))
    month = datetime.date(2026, 2, 1)
    artist.joined_at = timezone.make_aware(datetime.datetime(2026, 2, 15, 12))
    artist.save()
    TesterStatusChange.objects.create(
        tester=artist, to_status="active", reason="joined", created_at=artist.joined_at
    )

    assert stipends_accrue(program=program, month=month) == 1

    earning = Earning.objects.get(tester=artist)
    assert earning.source_id == f"{artist.pk}:2026-02"
    assert earning.amount_minor == 150000
    assert earning.rate_label == "Stipend $3,000.00/month x 14/28 active days"
    assert earning.params == {"active_days": 14, "days_in_month": 28}
    assert earning.url == "/portal/payouts/statements/2026-02/"
    postings = list(Posting.objects.filter(transaction=earning.transaction))
    assert sorted((p.amount_minor, p.account.kind) for p in postings) == [
        (-150000, "program_expense"),
        (150000, "artist_payable"),
    ]
    assert Account.objects.filter(tester=artist, kind="artist_payable").count() == 1


@pytest.mark.django_db
def test_a_months_stipends_take_one_program_expense_leg_and_balance(program):
    from tests.conftest import make_artist

    policy_for(program, effective_from=timezone.now() - datetime.timedelta(days=400))
    joined = timezone.make_aware(datetime.datetime(2026, 1, 20, 12))
    artists = [make_artist(program) for _ in range(3)]
    for artist in artists:
        artist.joined_at = joined
        artist.save()

    assert stipends_accrue(program=program, month=datetime.date(2026, 2, 1)) == 3

    txn = Earning.objects.get(tester=artists[0]).transaction
    legs = list(Posting.objects.filter(transaction=txn).select_related("account"))
    payable = [p for p in legs if p.account.kind == "artist_payable"]
    expense = [p for p in legs if p.account.kind == "program_expense"]
    assert [p.amount_minor for p in payable] == [300000] * 3
    assert all(p.earning_id is not None for p in payable)
    assert [(p.amount_minor, p.source_id, p.policy_id) for p in expense] == [
        (-900000, "2026-02", payable[0].policy_id)
    ]
    assert sum(p.amount_minor for p in legs) == 0
