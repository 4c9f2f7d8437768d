import datetime as dt

import pytest
import time_machine

from program.feedback.selectors import feedback_slo_figures
from program.feedback.services import feedback_comment_add, feedback_transition
from tests.feedback.conftest import MONDAY, file_feedback

DAY = dt.timedelta(days=1)


@pytest.mark.django_db
def test_empty_program_keeps_the_documented_shape(program):
    with time_machine.travel(MONDAY, tick=False):
        figures = feedback_slo_figures(program=program)
    assert figures == {
        "first_response": {"median": None, "p90": None, "count": 0, "target": 2},
        "triage": {"median": None, "p90": None, "count": 0, "target": 5},
        "decision": {"median": None, "p90": None, "count": 0, "target": 10},
    }


@pytest.mark.django_db
def test_median_and_p90_in_business_days(program, artist, program_staff):
    items = []
    with time_machine.travel(MONDAY, tick=False) as traveller:
        for _ in range(3):
            items.append(file_feedback(artist))
        # Answered after 1, 2 and 5 business days (a calendar week holds five).
        for item, offset in zip(items, (1, 2, 7), strict=True):
            traveller.move_to(MONDAY + offset * DAY)
            feedback_comment_add(feedback=item, author=program_staff, body="Hello")
        traveller.move_to(MONDAY + 8 * DAY)
        figures = feedback_slo_figures(program=program)
    assert figures["first_response"] == {"median": 2.0, "p90": 4.4, "count": 3, "target": 2}


@pytest.mark.django_db
def test_unanswered_item_past_due_counts_with_its_wait(program, artist):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        file_feedback(artist)
        traveller.move_to(MONDAY + 3 * DAY)
        figures = feedback_slo_figures(program=program)
    assert figures["first_response"]["median"] == 3.0
    assert figures["decision"]["count"] == 0  # not yet past its 10-day promise


@pytest.mark.django_db
def test_items_older_than_the_window_are_left_out(program, artist, program_staff):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        item = file_feedback(artist)
        feedback_transition(feedback=item, actor=program_staff, to_state="accepted")
        traveller.move_to(MONDAY + 100 * DAY)
        figures = feedback_slo_figures(program=program, days=90)
    assert figures["decision"]["count"] == 0
