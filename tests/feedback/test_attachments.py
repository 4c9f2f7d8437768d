import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atelier.errors import ServiceError
from program.feedback.models import Feedback, FeedbackAttachment
from program.feedback.services import feedback_attachment_add
from tests.conftest import client_for
from tests.feedback.conftest import file_feedback, stored_files
from tests.feedback.factories import mp4_bytes, mp4_upload, png_bytes, png_upload


@pytest.mark.django_db
def test_real_png_is_stored_with_its_type_and_size(feedback, artist):
    attachment = feedback_attachment_add(feedback=feedback, user=artist.user, upload=png_upload())
    assert (attachment.kind, attachment.content_type) == ("image", "image/png")
    assert (attachment.width, attachment.height) == (64, 48)
    assert attachment.file.name.endswith(".png")


@pytest.mark.django_db
def test_real_mp4_is_stored_with_duration(feedback, artist):
    attachment = feedback_attachment_add(
        feedback=feedback, user=artist.user, upload=mp4_upload(seconds=2)
    )
    assert (attachment.kind, attachment.content_type) == ("video", "video/mp4")
    assert attachment.duration_seconds == pytest.approx(2, abs=0.3)


@pytest.mark.django_db
def test_type_comes_from_content_not_name(feedback, artist):
    upload = SimpleUploadedFile("looks-like.png", png_bytes(fmt="JPEG"), content_type="image/png")
    attachment = feedback_attachment_add(feedback=feedback, user=artist.user, upload=upload)
    assert attachment.content_type == "image/jpeg"


@pytest.mark.django_db
def test_text_renamed_mp4_is_refused_and_nothing_stored(feedback, artist, _media):
    upload = SimpleUploadedFile("clip.mp4", b"not a video at all " * 50, content_type="video/mp4")
    with pytest.raises(ServiceError) as error:
        feedback_attachment_add(feedback=feedback, user=artist.user, upload=upload)
    assert error.value.field == "file"
    assert not FeedbackAttachment.objects.exists()
    assert stored_files(_media) == []


@pytest.mark.django_db
def test_truncated_mp4_is_refused(feedback, artist):
    data = mp4_bytes(seconds=1)
    upload = SimpleUploadedFile("cut.mp4", data[: len(data) // 3], content_type="video/mp4")
    with pytest.raises(ServiceError):
        feedback_attachment_add(feedback=feedback, user=artist.user, upload=upload)


@pytest.mark.django_db
def test_oversized_image_is_413(feedback, artist, settings):
    settings.ATELIER_FEEDBACK_IMAGE_MAX_BYTES = 100
    with pytest.raises(ServiceError) as error:
        feedback_attachment_add(feedback=feedback, user=artist.user, upload=png_upload())
    assert error.value.status_code == 413


@pytest.mark.django_db
def test_too_long_video_is_refused(feedback, artist, settings):
    settings.ATELIER_FEEDBACK_VIDEO_MAX_SECONDS = 1
    with pytest.raises(ServiceError) as error:
        feedback_attachment_add(feedback=feedback, user=artist.user, upload=mp4_upload(seconds=3))
    assert error.value.code == "video_too_long"


@pytest.mark.django_db
def test_one_bad_file_leaves_nothing_behind(artist, _media):
    bad = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n garbage", content_type="image/png")
    with pytest.raises(ServiceError):
        file_feedback(artist, files=[png_upload(), bad])
    assert not Feedback.objects.exists()
    assert stored_files(_media) == []


@pytest.mark.django_db
def test_api_upload_refuses_non_video_with_4xx_naming_field(feedback, artist):
    upload = SimpleUploadedFile("x.webm", b"\x1a\x45\xdf\xa3 broken", content_type="video/webm")
    response = client_for(artist.user).post(
        f"/api/feedback/{feedback.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "file"


@pytest.mark.django_db
def test_api_create_with_files_in_multipart(artist):
    response = client_for(artist.user).post(
        "/api/feedback/",
        {
            "kind": "quality",
            "title": "Flicker",
            "body": "See clip",
            "files": [mp4_upload(), png_upload()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert [a["kind"] for a in response.json()["attachments"]] == ["video", "image"]


@pytest.mark.django_db
def test_attachment_count_is_limited(feedback, artist, settings):
    settings.ATELIER_FEEDBACK_MAX_ATTACHMENTS = 1
    feedback_attachment_add(feedback=feedback, user=artist.user, upload=png_upload())
    with pytest.raises(ServiceError) as error:
        feedback_attachment_add(feedback=feedback, user=artist.user, upload=png_upload())
    assert error.value.code == "too_many_files"


@pytest.mark.django_db
def test_web_form_with_real_video_attaches_it(artist):
    from tests.feedback.conftest import web_for

    response = web_for(artist.user).post(
        "/portal/feedback/new/",
        {"kind": "quality", "title": "Jitter", "body": "Watch", "files": [mp4_upload()]},
    )
    assert response.status_code == 302
    assert Feedback.objects.get().attachments.get().kind == "video"
