"""Attachments are served through a checked view, never as a bare media URL in pages or API."""

import pytest
from django.urls import reverse

from program.feedback.services import feedback_attachment_add
from tests.conftest import client_for
from tests.feedback.conftest import web_for
from tests.feedback.factories import png_bytes, png_upload


@pytest.fixture
def attachment(artist, feedback):
    return feedback_attachment_add(feedback=feedback, user=artist.user, upload=png_upload())


def _url(attachment) -> str:
    return reverse("api-feedback-attachment-file", kwargs={"pk": attachment.pk})


@pytest.mark.django_db
def test_owner_downloads_the_bytes(artist, attachment):
    response = client_for(artist.user).get(_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.django_db
def test_program_staff_downloads(program_staff, attachment):
    assert client_for(program_staff).get(_url(attachment)).status_code == 200


@pytest.mark.django_db
def test_another_artist_gets_404(other_artist, attachment):
    response = client_for(other_artist.user).get(_url(attachment))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_curator_is_refused(curator, attachment):
    assert client_for(curator).get(_url(attachment)).status_code == 403


@pytest.mark.django_db
def test_api_and_page_link_the_checked_view_not_media(artist, attachment):
    client = client_for(artist.user)
    api = client.get(f"/api/feedback/{attachment.feedback_id}/attachments/").json()
    assert api[0]["url"].endswith(_url(attachment))
    page = web_for(artist.user).get(
        reverse("feedback-detail", kwargs={"pk": attachment.feedback_id})
    )
    assert _url(attachment) in page.content.decode()
    assert attachment.file.url not in page.content.decode()
