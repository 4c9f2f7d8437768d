import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from program.films.models import Film
from tests.conftest import client_for
from tests.films.factories import make_mp4, mp4_upload, web_client


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _spooled():
    return {p.name for p in Path(tempfile.gettempdir()).glob("atelier-film-*")}


def _post(client, data, **extra):
    return client.post(
        "/api/films/",
        {"title": "Tide", "description": "d", "credits": "", "video": mp4_upload(data), **extra},
        format="multipart",
    )


@pytest.mark.django_db
def test_real_mp4_upload_creates_a_draft_with_poster(artist, media_root):
    response = _post(client_for(artist.user), make_mp4(frames=12, fps=6))

    assert response.status_code == 201, response.content
    film = Film.objects.get()
    assert (film.status, film.codec, film.width, film.height) == ("draft", "h264", 32, 32)
    assert 1900 <= film.duration_ms <= 2100
    assert film.poster.read(3) == b"\xff\xd8\xff"  # a JPEG


@pytest.mark.django_db
def test_upload_with_submit_enters_the_open_round(artist, film_round):
    response = _post(client_for(artist.user), make_mp4(), submit="true")

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert response.json()["round"]["id"] == film_round.pk


@pytest.mark.django_db
def test_non_video_is_415_naming_the_field_and_leaves_nothing(artist, media_root):
    response = _post(client_for(artist.user), b"<html>not a film</html>" * 10)

    assert response.status_code == 415
    assert response.json()["error"]["param"] == "video"
    assert response.json()["error"]["code"] == "not_a_video"
    assert Film.objects.count() == 0
    assert _files(media_root) == []


@pytest.mark.django_db
def test_oversized_upload_is_413(artist, settings, media_root):
    settings.ATELIER_FILM_MAX_BYTES = 1000
    response = _post(client_for(artist.user), make_mp4(frames=30, size=(64, 64)))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert _files(media_root) == []


@pytest.mark.django_db
def test_truncated_mp4_is_a_clear_400(artist, media_root):
    data = make_mp4(frames=12)
    before = _spooled()
    response = _post(client_for(artist.user), data[: len(data) // 3])

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_video"
    assert response.json()["error"]["param"] == "video"
    assert Film.objects.count() == 0
    assert _files(media_root) == []
    assert _spooled() == before  # the temporary copy is gone too


@pytest.mark.django_db
def test_mp4_header_with_garbage_body_is_malformed(artist):
    data = make_mp4()[:32] + b"\x00garbage" * 200
    response = _post(client_for(artist.user), data)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_video"


@pytest.mark.django_db
def test_codec_outside_allowed_list_is_refused(artist):
    response = _post(client_for(artist.user), make_mp4(codec="mpeg4"))

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "codec_not_allowed"


@pytest.mark.django_db
def test_film_over_duration_limit_is_refused(artist, settings):
    settings.ATELIER_FILM_MAX_SECONDS = 1
    response = _post(client_for(artist.user), make_mp4(frames=18, fps=6))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_long"


@pytest.mark.django_db
def test_failure_while_saving_removes_stored_files(artist, media_root, monkeypatch):
    from program.films.models import FilmStatusChange

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(FilmStatusChange.objects, "create", boom)
    with pytest.raises(RuntimeError):
        _post(client_for(artist.user), make_mp4())

    assert Film.objects.count() == 0
    assert _files(media_root) == []


@pytest.mark.django_db
def test_web_upload_form_shows_field_error(artist):
    client = web_client(artist.user)
    response = client.post(
        reverse("films-submit"),
        {"mode": "upload", "title": "T", "video": mp4_upload(b"plain text", "x.mp4")},
    )
    assert response.status_code == 400
    assert b"not an MP4" in response.content
    assert Film.objects.count() == 0


@pytest.mark.django_db
def test_web_upload_creates_film_and_redirects(artist):
    response = web_client(artist.user).post(
        reverse("films-submit"), {"mode": "upload", "title": "T", "video": mp4_upload()}
    )
    film = Film.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("films-detail", args=[film.pk])
