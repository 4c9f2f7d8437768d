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
    postings = list(Posting.objects.filter(earning=earning))
    assert sorted(p.amount_minor for p in postings) == [-150000, 150000]
    assert Account.objects.filter(tester=artist, kind="artist_payable").count() == 1
