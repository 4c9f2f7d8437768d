import datetime

import pytest
from django.utils import timezone

from atelier.errors import ServiceError
from payments.earnings import earning_record, earning_reverse
from payments.models import Account, Earning, Posting
from payments.services.ledger import account_balance, account_get
from payments.services.stipends import active_days, stipends_accrue
from program.models import TesterStatusChange
from tests.payments.factories import policy_for


def payable(tester):
    account = account_get(program=tester.program, kind=Account.Kind.ARTIST_PAYABLE, tester=tester)
    return account_balance(account, "USD")


@pytest.mark.django_db
def test_feedback_accepted_twice_earns_once(artist, policy):
    first = earning_record(
        tester=artist,
        rule="feedback.accepted",
        source=artist,
        params={"kind": "bug", "severity": "P2"},
    )
    second = earning_record(
        tester=artist,
        rule="feedback.accepted",
        source=artist,
        params={"kind": "bug", "severity": "P2"},
    )
    assert first.pk == second.pk
    assert Earning.objects.count() == 1
    assert payable(artist) == 15000


@pytest.mark.django_db
def test_amount_comes_from_the_version_in_force_when_the_work_happened(
    artist, program, program_staff
):
    policy_for(program, by=program_staff)
    policy_for(
        program,
        by=program_staff,
        effective_from=timezone.now() + datetime.timedelta(days=10),
        feedback_rates={"bug": {"P2": 99999}},
    )
    earning = earning_record(
        tester=artist,
        rule="feedback.accepted",
        source=artist,
        params={"kind": "bug", "severity": "P2"},
    )
    assert earning.amount_minor == 15000 and earning.policy.version == 1


@pytest.mark.django_db
def test_duplicate_share_is_the_published_fraction_of_the_original(artist, policy):
    earning = earning_record(
        tester=artist,
        rule="feedback.duplicate",
        source=artist,
        params={"kind": "bug", "severity": "P1", "original_id": 1},
    )
    assert earning.amount_minor == 30000 * 2500 // 10000


@pytest.mark.django_db
def test_session_hours_use_the_pay_floor_when_the_rate_is_lower(artist, policy):
    earning = earning_record(
        tester=artist, rule="session.hours", source=artist, params={"minutes": 90}
    )
    assert earning.amount_minor == 2500 * 90 // 60  # floor 25.00/h beats the 20.00/h rate


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -100, 10.5])
def test_zero_negative_or_fractional_amount_is_refused_and_nothing_moves(artist, policy, amount):
    with pytest.raises(ServiceError) as error:
        earning_record(
            tester=artist, rule="license.fee", source=artist, amount_minor=amount, currency="USD"
        )
    assert error.value.field == "amount_minor"
    assert not Posting.objects.exists()


@pytest.mark.django_db
def test_unknown_currency_is_refused(artist, policy):
    with pytest.raises(ServiceError) as error:
        earning_record(
            tester=artist, rule="license.fee", source=artist, amount_minor=100, currency="ZZZ"
        )
    assert error.value.code == "unknown_currency"
    assert not Posting.objects.exists()


@pytest.mark.django_db
def test_jpy_amounts_have_no_decimals(artist, policy):
    earning = earning_record(
        tester=artist, rule="license.fee", source=artist, amount_minor=5000, currency="JPY"
    )
    assert str(earning).startswith("license.fee ¥5,000")


@pytest.mark.django_db
def test_reversal_restores_balance_and_is_idempotent(artist, policy):
    earning_record(tester=artist, rule="film.selected", source=artist)
    assert payable(artist) == 200000
    first = earning_reverse(rule="film.selected", source=artist, reason="Withdrawn")
    second = earning_reverse(rule="film.selected", source=artist, reason="Withdrawn")
    assert first.pk == second.pk
    assert payable(artist) == 0
    assert Posting.objects.count() == 4


@pytest.mark.django_db
def test_policy_that_lowers_pay_for_past_work_is_refused(program, program_staff, policy):
    with pytest.raises(ServiceError) as error:
        policy_for(
            program,
            by=program_staff,
            effective_from=timezone.now() - datetime.timedelta(days=1),
            stipend_monthly_minor=100,
        )
    assert error.value.code == "policy_lowers_pay"
    assert error.value.field == "stipend_monthly_minor"


@pytest.mark.django_db
def test_policy_lowering_rates_in_the_future_is_allowed_and_keeps_old_versions(
    program, program_staff, policy
):
    later = policy_for(
        program,
        by=program_staff,
        effective_from=timezone.now() + datetime.timedelta(days=30),
        stipend_monthly_minor=100,
    )
    assert later.version == 2
    assert program.policies.count() == 2


@pytest.mark.django_db
def test_retroactive_raise_is_allowed(program, program_staff, policy):
    raised = policy_for(
        program,
        by=program_staff,
        effective_from=timezone.now() - datetime.timedelta(days=1),
        stipend_monthly_minor=400000,
    )
    assert raised.version == 2


@pytest.mark.django_db
def test_stipend_is_pro_rated_by_active_days_and_paused_program_still_accrues(
    program, policy, artist
):
    month = datetime.date(2026, 2, 1)  # 28 days
    joined = timezone.make_aware(datetime.datetime(2026, 2, 15, 12))
    artist.joined_at = joined
    artist.save()
    program.status = "paused"
    program.save()
    TesterStatusChange.objects.create(
        tester=artist, to_status="active", reason="joined", created_at=joined
    )
    assert (
        active_days(
            tester=artist,
            changes=list(artist.status_changes.all()),
            first=month,
            last=datetime.date(2026, 2, 28),
        )
        == 14
    )
    assert stipends_accrue(program=program, month=month) == 1
    assert stipends_accrue(program=program, month=month) == 0  # idempotent
    assert payable(artist) == 300000 * 14 // 28


@pytest.mark.django_db
def test_suspended_days_do_not_count(program, artist):
    start = timezone.make_aware(datetime.datetime(2026, 3, 1, 9))
    TesterStatusChange.objects.create(
        tester=artist, to_status="active", reason="x", created_at=start
    )
    TesterStatusChange.objects.create(
        tester=artist,
        to_status="suspended",
        reason="x",
        created_at=start + datetime.timedelta(days=10),
    )
    changes = list(artist.status_changes.all())
    assert (
        active_days(
            tester=artist,
            changes=changes,
            first=datetime.date(2026, 3, 1),
            last=datetime.date(2026, 3, 31),
        )
        == 11
    )


@pytest.mark.django_db
def test_publishing_a_policy_tells_current_testers(program, program_staff, artist):
    policy_for(
        program, by=program_staff, effective_from=timezone.now() + datetime.timedelta(days=7)
    )
    notice = artist.user.notifications.get(kind="payments.policy_published")
    assert notice.url == "/compensation/" and "v1" in notice.title
