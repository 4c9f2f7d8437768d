import datetime as dt

import pytest
import time_machine

from program.feedback.clocks import business_days_add, business_days_between, feedback_clocks
from tests.feedback.conftest import MONDAY, file_feedback

FRIDAY_EVENING = dt.datetime(2026, 3, 6, 18, 0, tzinfo=dt.UTC)


def test_weekend_does_not_count():
    next_monday_morning = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
    assert business_days_between(FRIDAY_EVENING, next_monday_morning) == pytest.approx((6 + 9) / 24)


def test_two_business_days_from_friday_evening_end_on_tuesday_evening():
    assert business_days_add(FRIDAY_EVENING, 2) == dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)


def test_filed_on_saturday_the_clock_starts_monday():
    saturday = dt.datetime(2026, 3, 7, 15, 0, tzinfo=dt.UTC)
    assert business_days_add(saturday, 2) == dt.datetime(2026, 3, 11, 0, 0, tzinfo=dt.UTC)


def test_add_and_between_agree():
    for days in (1, 2, 5, 10):
        assert business_days_between(MONDAY, business_days_add(MONDAY, days)) == days


@pytest.mark.django_db
def test_due_dates_are_fixed_in_business_days_when_filed(artist):
    with time_machine.travel(MONDAY, tick=False):
        feedback = file_feedback(artist)
    assert feedback.first_response_due_at == MONDAY + dt.timedelta(days=2)
    assert feedback.triage_due_at == MONDAY + dt.timedelta(days=7)
    assert feedback.decision_due_at == MONDAY + dt.timedelta(days=14)


@pytest.mark.django_db
def test_settings_change_the_promises(artist, settings):
    settings.ATELIER_SLO_FIRST_RESPONSE_DAYS = 1
    with time_machine.travel(MONDAY, tick=False):
        feedback = file_feedback(artist)
    assert feedback.first_response_due_at == MONDAY + dt.timedelta(days=1)


@pytest.mark.django_db
def test_open_clock_turns_overdue_after_its_due_date(artist):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        feedback = file_feedback(artist)
        assert [c.status for c in feedback_clocks(feedback)] == ["due", "due", "due"]
        traveller.move_to(MONDAY + dt.timedelta(days=2, minutes=1))
        assert [c.status for c in feedback_clocks(feedback)] == ["overdue", "due", "due"]
