from fractions import Fraction

import pytest
from django.core.management import call_command
from django.test import Client

from payments.selectors import gini, histogram_svg, transparency_compute, transparency_figures
from payments.services.payouts import batch_approve, batch_pay_run, batch_pay_start
from tests.conftest import make_artist
from tests.payments.conftest import close, earn


def test_gini_is_exact():
    assert gini([100, 100, 100, 100]) == 0
    assert gini([0, 0, 0, 400]) == Fraction(3, 4)


def test_histogram_is_svg_without_scripts_or_inline_styles():
    svg = histogram_svg([100, 200, 300, 5000], "USD")
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg


@pytest.mark.django_db
def test_figures_after_a_paid_period(program, finance_user, finance_user2, settings):
    settings.PAYMENTS_TRANSPARENCY_MIN_ARTISTS = 5
    amounts = [1000, 2000, 3000, 4000, 10000]
    artists = [make_artist(program, country="NG") for _ in amounts]
    for artist, amount in zip(artists, amounts, strict=True):
        earn(artist, amount)
    batch = batch_approve(batch=close(program, user=finance_user).batch, approver=finance_user2)
    batch_pay_start(batch=batch)
    batch_pay_run(batch_id=batch.pk)
    from payments.services.payouts import payout_mark_manual_paid

    for payout in batch.payouts.all():
        payout_mark_manual_paid(payout=payout, reference=f"R{payout.pk}", actor=finance_user2)
    figures = transparency_compute(program=program)
    assert figures["artists_paid"] == 5
    assert figures["total_paid_minor"] == {"USD": 20000}
    assert figures["per_artist_period"]["median"] == "$30.00"
    assert figures["per_artist_period"]["p10"] == "$10.00"
    assert figures["per_artist_period"]["p90"] == "$100.00"
    assert figures["top10_share_pct"] == "50.0"
    assert figures["gini"] == "0.400"
    assert figures["share_by_kind_pct"] == {"licenses": "100.0"}
    assert figures["days_to_payment"]["count"] == 5
    assert set(figures["feedback_slo"]) == {"first_response", "triage", "decision"}
    page = Client().get("/transparency").content.decode()
    assert "$30.00" in page and "<svg" in page
    for artist in artists:
        assert artist.display_name not in page


@pytest.mark.django_db
def test_few_artists_hide_per_artist_statistics(program, artist, finance_user, settings):
    settings.PAYMENTS_TRANSPARENCY_MIN_ARTISTS = 5
    figures = transparency_figures(program=program)
    assert figures["suppressed"] is True and figures["per_artist_period"] is None


@pytest.mark.django_db
def test_close_period_command_prints_the_batch(program, artist, finance_user, capsys):
    from tests.payments.conftest import last_month

    earn(artist, 4321)
    call_command("close_period", f"{last_month():%Y-%m}", "--by", finance_user.email)
    assert "1 payouts, $43.21" in capsys.readouterr().out


@pytest.mark.django_db
def test_dashboard_panels_show_pay(program, artist, finance_user, policy):
    earn(artist, 4321)
    close(program, user=finance_user)
    client = Client()
    client.force_login(finance_user)
    assert "Payout batches" in client.get("/staff/").content.decode()
    client.force_login(artist.user)
    assert "Next payout" in client.get("/portal/").content.decode()
