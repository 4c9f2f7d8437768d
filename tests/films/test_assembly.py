import pytest
from django.urls import reverse

from program.films.models import Film
from tests.conftest import client_for
from tests.films.factories import make_job, web_client


@pytest.mark.django_db
def test_film_assembled_from_own_jobs_keeps_provenance(artist):
    first, second = make_job(tester=artist, shade=10), make_job(tester=artist, shade=90)

    response = client_for(artist.user).post(
        "/api/films/assemble/",
        {"title": "Two lights", "jobs": [second.public_id, first.public_id]},
        format="json",
    )

    assert response.status_code == 201, response.content
    film = Film.objects.get()
    assert film.source == "assembled"
    assert film.codec == "h264"
    assert 1900 <= film.duration_ms <= 2200  # two one-second clips
    rows = list(film.provenance.values_list("job_public_id", "seed", "prompt", "model"))
    assert rows == [
        (second.public_id, second.seed, second.prompt, "atelier-tiny"),
        (first.public_id, first.seed, first.prompt, "atelier-tiny"),
    ]


@pytest.mark.django_db
def test_another_artists_job_cannot_be_used(artist, other_artist):
    theirs = make_job(tester=other_artist)

    response = client_for(artist.user).post(
        "/api/films/assemble/", {"title": "Stolen", "jobs": [theirs.public_id]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "jobs"
    assert Film.objects.count() == 0


@pytest.mark.django_db
def test_unfinished_job_is_refused(artist):
    job = make_job(tester=artist, status="in_progress")

    response = client_for(artist.user).post(
        "/api/films/assemble/", {"title": "Soon", "jobs": [job.public_id]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_completed"


@pytest.mark.django_db
def test_submit_page_prefills_from_job_query(artist):
    job = make_job(tester=artist)

    response = web_client(artist.user).get(reverse("films-submit"), {"job": job.public_id})

    assert response.status_code == 200
    assert response.context["assemble_form"].initial["jobs"] == [job.public_id]


@pytest.mark.django_db
def test_submit_page_ignores_another_artists_job(artist, other_artist):
    job = make_job(tester=other_artist)

    response = web_client(artist.user).get(reverse("films-submit"), {"job": job.public_id})

    assert response.context["assemble_form"].initial["jobs"] == []
    assert job.prompt not in response.content.decode()


@pytest.mark.django_db
def test_clips_over_the_duration_limit_are_refused_before_encoding(artist, settings):
    settings.ATELIER_FILM_MAX_SECONDS = 1
    jobs = [make_job(tester=artist, shade=s) for s in (1, 2)]
    response = client_for(artist.user).post(
        "/api/films/assemble/",
        {"title": "Long", "jobs": [j.public_id for j in jobs]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_long"
