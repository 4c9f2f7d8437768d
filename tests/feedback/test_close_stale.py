import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from program.feedback.clocks import feedback_clocks
from program.feedback.models import Feedback
from program.feedback.services import feedback_comment_add, feedback_transition
from program.feedback.tasks import feedback_close_stale_task
from program.models import Notification, Tester
from tests.feedback.conftest import MONDAY, file_feedback


@pytest.fixture
def waiting(artist, program_staff):
    with time_machine.travel(MONDAY, tick=False):
        feedback = file_feedback(artist)
        feedback_transition(feedback=feedback, actor=program_staff, to_state="needs_info")
    return feedback


@pytest.mark.django_db
def test_needs_info_stays_open_before_14_days(waiting):
    with time_machine.travel(MONDAY + dt.timedelta(days=13, hours=23), tick=False):
        call_command("close_stale_feedback")
    waiting.refresh_from_db()
    assert waiting.state == Feedback.State.NEEDS_INFO


@pytest.mark.django_db
def test_needs_info_closes_after_14_days_of_silence(waiting):
    with time_machine.travel(MONDAY + dt.timedelta(days=14, minutes=1), tick=False):
        call_command("close_stale_feedback")
    waiting.refresh_from_db()
    assert waiting.state == Feedback.State.CLOSED
    assert waiting.events.last().actor is None


@pytest.mark.django_db
def test_close_task_is_idempotent(waiting):
    with time_machine.travel(MONDAY + dt.timedelta(days=15), tick=False):
        assert feedback_close_stale_task() == 1
        assert feedback_close_stale_task() == 0
    assert waiting.events.filter(to_state="closed").count() == 1


@pytest.mark.django_db
def test_closing_carries_no_penalty_and_says_so(waiting, artist):
    with time_machine.travel(MONDAY + dt.timedelta(days=15), tick=False):
        feedback_close_stale_task()
    artist.refresh_from_db()
    notice = Notification.objects.filter(user=artist.user, kind="feedback.closed").get()
    assert artist.status == Tester.Status.ACTIVE
    assert "no penalty" in notice.body


@pytest.mark.django_db
def test_closed_item_stops_its_clocks(waiting):
    with time_machine.travel(MONDAY + dt.timedelta(days=15), tick=False):
        feedback_close_stale_task()
    waiting.refresh_from_db()
    with time_machine.travel(MONDAY + dt.timedelta(days=60), tick=False):
        assert feedback_clocks(waiting)[2].status == "stopped"


@pytest.mark.django_db
def test_artist_reply_reopens_a_closed_item(waiting, artist):
    with time_machine.travel(MONDAY + dt.timedelta(days=15), tick=False):
        feedback_close_stale_task()
        feedback_comment_add(feedback=waiting, author=artist.user, body="Back from holiday.")
    waiting.refresh_from_db()
    assert waiting.state == Feedback.State.TRIAGED


def test_beat_schedule_names_the_registered_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["feedback-close-stale"]
    assert entry["task"] == feedback_close_stale_task.name
