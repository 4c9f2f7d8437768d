import datetime as dt

import pytest
import time_machine
from django.core import mail

from atelier.errors import Conflict, NotAllowed, ServiceError
from program.feedback import services
from program.feedback.clocks import feedback_clocks
from program.feedback.models import Feedback
from program.feedback.services import (
    feedback_comment_add,
    feedback_ship,
    feedback_transition,
)
from program.models import Notification
from tests.feedback.conftest import MONDAY, file_feedback

DAY = dt.timedelta(days=1)


@pytest.fixture
def earnings(monkeypatch):
    """Capture what feedback reports to payments (the earnings interface is a stub)."""
    calls = []
    monkeypatch.setattr(services, "earning_record", lambda **kw: calls.append(kw))
    return calls


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def statuses(feedback) -> dict[str, str]:
    feedback.refresh_from_db()
    return {clock.name: clock.status for clock in feedback_clocks(feedback)}


@pytest.mark.django_db
def test_full_lifecycle_with_clocks(artist, program_staff, earnings):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        feedback = file_feedback(artist)
        assert feedback.state == Feedback.State.NEW

        # Wednesday 10:00: one hour past the first-response promise.
        traveller.move_to(MONDAY + 2 * DAY + dt.timedelta(hours=1))
        assert statuses(feedback)["first_response"] == "overdue"
        feedback_comment_add(feedback=feedback, author=program_staff, body="Looking at it.")
        assert statuses(feedback)["first_response"] == "late"

        traveller.move_to(MONDAY + 3 * DAY)
        feedback_transition(feedback=feedback, actor=program_staff, to_state="triaged")
        assert statuses(feedback)["triage"] == "met"

        feedback_transition(
            feedback=feedback, actor=program_staff, to_state="needs_info", note="Which seed?"
        )
        traveller.move_to(MONDAY + 4 * DAY)
        feedback_comment_add(feedback=feedback, author=artist.user, body="Seed 42.")
        feedback.refresh_from_db()
        assert feedback.state == Feedback.State.TRIAGED

        traveller.move_to(MONDAY + 7 * DAY)
        feedback_transition(feedback=feedback, actor=program_staff, to_state="accepted")
        assert statuses(feedback) == {"first_response": "late", "triage": "met", "decision": "met"}

        feedback_ship(feedback=feedback, actor=program_staff, version="1.1")

    feedback.refresh_from_db()
    assert feedback.shipped_in_version == "1.1"
    assert [e.to_state for e in feedback.events.all()] == [
        "triaged",
        "needs_info",
        "triaged",
        "accepted",
    ]
    assert kinds(artist.user) == [
        "feedback.comment",
        "feedback.triaged",
        "feedback.needs_info",
        "feedback.accepted",
        "feedback.shipped",
    ]
    assert earnings == [
        {
            "tester": artist,
            "rule": "feedback.accepted",
            "source": feedback,
            "params": {"kind": "bug", "severity": "P2"},
            "url": f"/portal/feedback/{feedback.pk}/",
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["informative", "not_applicable"])
def test_decisions_stop_the_decision_clock_and_tell_the_artist(artist, program_staff, state):
    feedback = file_feedback(artist, kind="idea", severity="")
    feedback_transition(feedback=feedback, actor=program_staff, to_state=state, note="Thanks.")
    assert statuses(feedback)["decision"] == "met"
    assert feedback.state == state
    assert kinds(artist.user) == [f"feedback.{state}"]


@pytest.mark.django_db
def test_decisions_are_final(artist, program_staff):
    feedback = file_feedback(artist)
    feedback_transition(feedback=feedback, actor=program_staff, to_state="not_applicable")
    with pytest.raises(Conflict):
        feedback_transition(feedback=feedback, actor=program_staff, to_state="accepted")


@pytest.mark.django_db
def test_first_state_change_counts_as_first_response(artist, program_staff):
    with time_machine.travel(MONDAY, tick=False):
        feedback = file_feedback(artist)
        feedback_transition(feedback=feedback, actor=program_staff, to_state="triaged")
    feedback.refresh_from_db()
    assert feedback.first_response_at == MONDAY
    assert feedback.triaged_at == MONDAY


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["curator", "finance_user", "other_artist"])
def test_only_program_staff_triage(request, artist, role_fixture):
    feedback = file_feedback(artist)
    actor = request.getfixturevalue(role_fixture)
    actor = getattr(actor, "user", actor)
    with pytest.raises(NotAllowed):
        feedback_transition(feedback=feedback, actor=actor, to_state="triaged")


@pytest.mark.django_db
def test_severity_required_for_bugs_and_refused_for_ideas(artist):
    with pytest.raises(ServiceError) as missing:
        file_feedback(artist, severity="")
    with pytest.raises(ServiceError) as extra:
        file_feedback(artist, kind="idea", severity="P1")
    assert (missing.value.field, extra.value.field) == ("severity", "severity")


@pytest.mark.django_db
def test_shipping_needs_accepted_feedback(artist, program_staff):
    feedback = file_feedback(artist)
    with pytest.raises(Conflict):
        feedback_ship(feedback=feedback, actor=program_staff, version="1.1")


@pytest.mark.django_db
def test_duplicate_needs_an_original(artist, program_staff):
    feedback = file_feedback(artist)
    with pytest.raises(ServiceError) as error:
        feedback_transition(feedback=feedback, actor=program_staff, to_state="duplicate")
    assert error.value.field == "duplicate_of"


@pytest.mark.django_db
def test_original_resolved_tells_duplicate_filers(artist, other_artist, program_staff, earnings):
    original = file_feedback(artist)
    duplicate = file_feedback(other_artist)
    feedback_transition(
        feedback=duplicate, actor=program_staff, to_state="duplicate", duplicate_of=original
    )
    assert earnings == []  # the original is not accepted yet

    feedback_transition(feedback=original, actor=program_staff, to_state="accepted")

    assert kinds(other_artist.user) == ["feedback.duplicate", "feedback.original_resolved"]
    assert [(c["rule"], c["source"]) for c in earnings] == [
        ("feedback.accepted", original),
        ("feedback.duplicate", duplicate),
    ]
    assert earnings[1]["params"]["original_id"] == original.pk


@pytest.mark.django_db
def test_duplicate_of_accepted_original_earns_when_marked(
    artist, other_artist, program_staff, earnings
):
    original = file_feedback(artist)
    feedback_transition(feedback=original, actor=program_staff, to_state="accepted")
    duplicate = file_feedback(other_artist)
    feedback_transition(
        feedback=duplicate, actor=program_staff, to_state="duplicate", duplicate_of=original
    )
    assert earnings[-1]["rule"] == "feedback.duplicate"
    assert earnings[-1]["params"] == {"kind": "bug", "severity": "P2", "original_id": original.pk}


@pytest.mark.django_db
def test_duplicate_of_a_duplicate_points_at_the_root(artist, other_artist, program_staff):
    root = file_feedback(artist)
    middle = file_feedback(other_artist)
    last = file_feedback(other_artist)
    feedback_transition(
        feedback=middle, actor=program_staff, to_state="duplicate", duplicate_of=root
    )
    feedback_transition(
        feedback=last, actor=program_staff, to_state="duplicate", duplicate_of=middle
    )
    last.refresh_from_db()
    assert last.duplicate_of == root


@pytest.mark.django_db
def test_state_change_emails_the_artist(artist, program_staff, django_capture_on_commit_callbacks):
    feedback = file_feedback(artist)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_transition(feedback=feedback, actor=program_staff, to_state="triaged")
    assert [m.to for m in mail.outbox] == [[artist.user.email]]
