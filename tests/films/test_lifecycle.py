import pytest
from django.core import mail

from program.films.models import Assignment, Film
from program.films.services import curation, films
from program.models import Notification
from tests.conftest import client_for
from tests.films.factories import make_film, make_selected_film, mp4_upload


@pytest.mark.django_db
def test_submit_needs_an_open_round(artist):
    film = films.film_create_upload(tester=artist, title="Draft", upload=mp4_upload())
    response = client_for(artist.user).post(f"/api/films/{film.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_open_round"


@pytest.mark.django_db
def test_each_state_change_notifies_the_artist(artist, film_round, program_staff, curator):
    film = make_film(tester=artist)
    curation.assignment_create(film=film, curator=curator, actor=program_staff)
    films.film_withdraw(film=film, tester=artist, reason="Recut")

    kinds = list(
        Notification.objects.filter(user=artist.user).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["film.submitted", "film.in_review", "film.withdrawn"]


@pytest.mark.django_db
def test_withdrawal_stops_open_reviews(artist, film_round, program_staff, curator):
    film = make_film(tester=artist)
    curation.assignment_create(film=film, curator=curator, actor=program_staff)

    response = client_for(artist.user).post(f"/api/films/{film.pk}/withdraw/", {}, format="json")

    assert response.json()["status"] == "withdrawn"
    assert not Assignment.objects.filter(film=film).exists()


@pytest.mark.django_db
def test_selected_film_cannot_be_withdrawn(artist, film_round):
    film = make_selected_film(tester=artist)
    response = client_for(artist.user).post(f"/api/films/{film.pk}/withdraw/", {}, format="json")
    assert response.status_code == 409
    assert Film.objects.get(pk=film.pk).status == "selected"


@pytest.mark.django_db
def test_only_drafts_can_be_edited(artist, film_round):
    film = make_film(tester=artist)
    response = client_for(artist.user).patch(
        f"/api/films/{film.pk}/", {"title": "New"}, format="json"
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_credit_line_proposed_by_staff_is_approved_by_the_artist(artist, film_round, program_staff):
    film = make_film(tester=artist)
    staff = client_for(program_staff)
    staff.post(
        f"/api/curation/films/{film.pk}/credit-line/", {"credit_line": "By A."}, format="json"
    )
    assert Notification.objects.filter(kind="film.credit_line_proposed").exists()
    film.refresh_from_db()
    assert film.credit_line == ""  # staff cannot set it

    response = client_for(artist.user).post(
        f"/api/films/{film.pk}/credit-line/", {"credit_line": "By Ada A."}, format="json"
    )
    assert response.json()["credit_line"] == "By Ada A."
    assert response.json()["credit_line_approved_at"]


@pytest.mark.django_db
def test_private_notes_are_never_notified_or_emailed(artist, film_round, program_staff, curator):
    from datetime import timedelta

    import time_machine

    from tests.films.factories import review

    film = make_film(tester=artist)
    assignment = curation.assignment_create(film=film, curator=curator, actor=program_staff)
    review(assignment, 3, 3, private_note="SECRET NOTE")
    curation.decision_record(round=film_round, film=film, outcome="selected", actor=program_staff)
    with time_machine.travel(film_round.notify_at + timedelta(minutes=1)):
        curation.round_release(round=film_round)

    assert not Notification.objects.filter(body__contains="SECRET").exists()
    assert not any("SECRET" in m.body for m in mail.outbox)
