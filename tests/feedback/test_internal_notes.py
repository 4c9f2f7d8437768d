import pytest
from django.core import mail

from program.feedback.models import FeedbackComment
from program.feedback.services import feedback_comment_add
from program.models import Notification
from tests.conftest import client_for, make_staff
from tests.feedback.conftest import web_for

SECRET = "INTERNAL-ONLY probably a dupe of the hand bug"


@pytest.fixture
def noted(feedback, program_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_comment_add(feedback=feedback, author=program_staff, body=SECRET, internal=True)
        feedback_comment_add(feedback=feedback, author=program_staff, body="Thanks, on it.")
    return feedback


@pytest.mark.django_db
def test_internal_note_not_on_artist_page(noted, artist):
    html = web_for(artist.user).get(f"/portal/feedback/{noted.pk}/").content.decode()
    assert "Thanks, on it." in html
    assert SECRET not in html


@pytest.mark.django_db
def test_internal_note_not_in_artist_api(noted, artist):
    client = client_for(artist.user)
    detail = client.get(f"/api/feedback/{noted.pk}/").content.decode()
    comments = client.get(f"/api/feedback/{noted.pk}/comments/").json()
    assert SECRET not in detail
    assert [c["body"] for c in comments] == ["Thanks, on it."]


@pytest.mark.django_db
def test_internal_note_never_emailed_or_notified(noted, artist):
    assert len(mail.outbox) == 1
    assert SECRET not in mail.outbox[0].body
    assert not Notification.objects.filter(body__contains="INTERNAL-ONLY").exists()


@pytest.mark.django_db
def test_internal_note_visible_to_program_staff(noted):
    staff = make_staff("program_staff", "other-staff@staff.test")
    api = client_for(staff).get(f"/api/staff/feedback/{noted.pk}/").json()
    page = web_for(staff).get(f"/staff/feedback/{noted.pk}/").content.decode()
    assert [c["internal"] for c in api["comments"]] == [True, False]
    assert SECRET in page


@pytest.mark.django_db
def test_artist_cannot_write_internal_notes(feedback, artist):
    from atelier.errors import NotAllowed

    with pytest.raises(NotAllowed):
        feedback_comment_add(feedback=feedback, author=artist.user, body="x", internal=True)
    assert not FeedbackComment.objects.exists()


@pytest.mark.django_db
def test_internal_note_does_not_stop_first_response_clock(feedback, program_staff):
    feedback_comment_add(feedback=feedback, author=program_staff, body="note", internal=True)
    feedback.refresh_from_db()
    assert feedback.first_response_at is None
