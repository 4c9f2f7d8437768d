"""Decisions are recorded early but released together on the round's notification date."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from atelier.errors import Conflict
from program.films.models import Decision, Film
from program.films.selectors import shared_reviews
from program.films.services import curation
from program.films.tasks import release_due_rounds
from program.models import Notification, NotificationPreference
from tests.conftest import client_for, make_artist
from tests.films.factories import make_film, review


@pytest.fixture
def decided(program, program_staff, film_round, curators):
    """Three films by three artists, each reviewed twice and decided."""
    films = []
    for index, outcome in enumerate(["selected", "shortlisted", "not_selected"]):
        film = make_film(tester=make_artist(program), title=f"Film {index}")
        for curator in curators[:2]:
            assignment = curation.assignment_create(film=film, curator=curator, actor=program_staff)
            review(
                assignment,
                4,
                3,
                feedback=f"Shared thoughts on {index}",
                private_note="PRIVATE: do not show",
                share=curator == curators[0],
            )
        curation.decision_record(
            round=film_round, film=film, outcome=outcome, note="Thank you", actor=program_staff
        )
        films.append(film)
    return films


@pytest.mark.django_db
def test_recorded_decisions_change_nothing_for_artists_before_release(decided):
    for film in decided:
        film.refresh_from_db()
        assert film.status == Film.Status.IN_REVIEW
        data = client_for(film.tester.user).get(f"/api/films/{film.pk}/").json()
        assert data["status"] == "in_review"
        assert data["decision_note"] is None
        assert client_for(film.tester.user).get(f"/api/films/{film.pk}/reviews/").json() == []
    assert not Notification.objects.filter(kind__in=["film.selected", "film.not_selected"]).exists()


@pytest.mark.django_db
def test_release_before_notification_date_is_refused(decided, film_round, program_staff):
    response = client_for(program_staff).post(f"/api/curation/rounds/{film_round.pk}/release/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_early"
    assert release_due_rounds() == []


@pytest.mark.django_db
def test_beat_task_releases_every_decision_together_on_the_date(decided, film_round, earnings_spy):
    with time_machine.travel(film_round.notify_at + timedelta(minutes=1), tick=False):
        assert release_due_rounds() == [film_round.pk]
        moment = timezone.now()

    statuses = {f.title: Film.objects.get(pk=f.pk).status for f in decided}
    assert statuses == {"Film 0": "selected", "Film 1": "shortlisted", "Film 2": "not_selected"}
    notices = Notification.objects.filter(
        kind__in=["film.selected", "film.shortlisted", "film.not_selected"]
    )
    assert notices.count() == 3
    assert {n.created_at for n in notices} == {moment}
    assert {n.user_id for n in notices} == {f.tester.user_id for f in decided}
    assert set(Decision.objects.values_list("released_at", flat=True)) == {moment}
    assert sorted(c["rule"] for c in earnings_spy) == ["film.selected", "film.shortlisted"]


@pytest.mark.django_db
def test_release_is_idempotent(decided, film_round):
    with time_machine.travel(film_round.notify_at + timedelta(minutes=1)):
        release_due_rounds()
        release_due_rounds()
    assert Notification.objects.filter(kind="film.selected").count() == 1


@pytest.mark.django_db
def test_undecided_film_holds_the_release(program, program_staff, film_round, curators, decided):
    make_film(tester=make_artist(program), title="Late")
    with time_machine.travel(film_round.notify_at + timedelta(minutes=1)):
        curation.assignments_autoassign(round=film_round, actor=program_staff)
        assert release_due_rounds() == []
        with pytest.raises(Conflict):
            curation.round_release(round=film_round)


@pytest.mark.django_db
def test_management_command_releases_due_rounds(decided, film_round):
    with time_machine.travel(film_round.notify_at + timedelta(hours=1)):
        call_command("release_round_decisions")
    assert Film.objects.get(pk=decided[0].pk).status == "selected"


@pytest.mark.django_db
def test_after_release_artist_sees_shared_feedback_never_private_notes(decided, film_round):
    with time_machine.travel(film_round.notify_at + timedelta(minutes=1)):
        curation.round_release(round=film_round)
    film = decided[0]
    data = client_for(film.tester.user).get(f"/api/films/{film.pk}/reviews/").json()

    # Only the review whose curator left sharing on.
    assert [r["feedback"] for r in data] == ["Shared thoughts on 0"]
    assert len(data[0]["scores"]) == 2
    assert "PRIVATE" not in str(data)
    assert "curator" not in str(data)
    assert client_for(film.tester.user).get(f"/api/films/{film.pk}/").json()["decision_note"] == (
        "Thank you"
    )


@pytest.mark.django_db
def test_release_honours_email_preferences(decided, film_round):
    muted = decided[0].tester.user
    NotificationPreference.objects.create(user=muted, email_muted_kinds=["film"])
    mail.outbox.clear()
    with (
        time_machine.travel(film_round.notify_at + timedelta(minutes=1)),
        pytest.MonkeyPatch.context() as patch,
    ):
        from django.db import transaction

        patch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())
        curation.round_release(round=film_round)

    recipients = {m.to[0] for m in mail.outbox}
    assert muted.email not in recipients
    assert decided[1].tester.user.email in recipients
    assert Notification.objects.filter(user=muted, kind="film.selected").exists()


@pytest.mark.django_db
def test_shared_reviews_empty_while_round_unreleased(decided):
    assert shared_reviews(film=decided[0]) == []


@pytest.mark.django_db
def test_shortlisted_film_is_carried_into_a_later_round_and_selected_there(
    program, program_staff, curators, earnings_spy
):
    from tests.films.factories import make_round

    first = make_round(program=program, actor=program_staff, reviewers=1, days=3)
    film = make_film(tester=make_artist(program))
    review(
        curation.assignment_create(film=film, curator=curators[0], actor=program_staff),
        4,
        4,
        feedback="Round one thoughts",
    )
    curation.decision_record(round=first, film=film, outcome="shortlisted", actor=program_staff)
    with time_machine.travel(first.notify_at + timedelta(minutes=1)):
        curation.round_release(round=first)
        second = make_round(program=program, actor=program_staff, reviewers=1, days=3)
    film.refresh_from_db()
    assert film.status == "shortlisted"

    curation.decision_record(round=second, film=film, outcome="selected", actor=program_staff)
    film.refresh_from_db()
    assert film.round_id == second.pk
    curation.assignments_autoassign(round=second, actor=program_staff)
    # The curator of round one is not assigned the same film again.
    assert film.assignments.filter(round=second).exclude(curator=curators[0]).count() == 1
    assert Film.objects.get(pk=film.pk).status == "shortlisted"  # not before the second release

    with time_machine.travel(second.notify_at + timedelta(minutes=1)):
        curation.round_release(round=second)

    assert Film.objects.get(pk=film.pk).status == "selected"
    assert [c["rule"] for c in earnings_spy] == ["film.shortlisted", "film.selected"]
    from program.films.selectors import round_results

    assert [r.film.pk for r in round_results(round=first)] == [film.pk]
    assert round_results(round=first)[0].decision.outcome == "shortlisted"
    assert [r["feedback"] for r in shared_reviews(film=film)] == ["Round one thoughts"]
