"""The web pages drive the same services: staff run a round, curators review, artists answer."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from program.films.models import Assignment, Criterion, Film, Round
from tests.conftest import make_artist
from tests.films.factories import make_film, web_client


@pytest.mark.django_db
def test_staff_create_round_rubric_assign_decide_and_release(program, program_staff, curators):
    staff = web_client(program_staff)
    notify = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = staff.post(
        reverse("films-rounds"),
        {"name": "Web round", "reviewers_per_film": 1, "notify_at": notify},
    )
    round = Round.objects.get()
    assert response["Location"] == reverse("films-round", args=[round.pk])
    url = reverse("films-round", args=[round.pk])
    staff.post(
        url,
        {"action": "criterion", "name": "Story", "weight": 2, "scale_min": 1, "scale_max": 5},
    )
    assert Criterion.objects.filter(round=round, weight=2).exists()

    film = make_film(tester=make_artist(program))
    staff.post(url, {"action": "autoassign"})
    assignment = Assignment.objects.get(film=film)

    curator = web_client(assignment.curator)
    criterion = round.criteria.get()
    curator.post(
        reverse("films-review", args=[assignment.pk]),
        {f"score_{criterion.pk}": 4, "feedback": "Lovely", "share_with_artist": "on"},
    )
    assignment.refresh_from_db()
    assert assignment.status == "submitted"

    staff.post(url, {"action": "decision", "film": film.pk, "outcome": "selected", "note": ""})
    staff.post(url, {"action": "release"})
    assert Film.objects.get(pk=film.pk).status == "in_review"  # too early: refused

    with time_machine.travel(round.notify_at + timedelta(minutes=1)):
        staff.post(url, {"action": "release"})
    assert Film.objects.get(pk=film.pk).status == "selected"
    page = web_client(film.tester.user).get(reverse("films-detail", args=[film.pk]))
    assert "Lovely" in page.content.decode()


@pytest.mark.django_db
def test_curator_declares_conflict_on_the_web(program, program_staff, film_round, curators):
    from program.films.services import curation

    film = make_film(tester=make_artist(program))
    assignment = curation.assignment_create(film=film, curator=curators[0], actor=program_staff)

    web_client(curators[0]).post(
        reverse("films-review", args=[assignment.pk]),
        {"action": "conflict", "reason": "Former student"},
    )

    assignment.refresh_from_db()
    assert assignment.status == "recused"
    assert film.assignments.exclude(status="recused").count() == 1


@pytest.mark.django_db
def test_release_is_scheduled_with_celery_beat():
    from atelier.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["films-release-round-decisions"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
