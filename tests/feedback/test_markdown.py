import pytest

from program.feedback.services import feedback_comment_add
from tests.conftest import client_for
from tests.feedback.conftest import file_feedback, web_for

EVIL = "Look **here** <script>alert('x')</script> [link](javascript:alert(1))"


@pytest.mark.django_db
def test_body_script_is_neutralised_on_the_page(artist):
    feedback = file_feedback(artist, body=EVIL)
    html = web_for(artist.user).get(f"/portal/feedback/{feedback.pk}/").content.decode()
    assert "<strong>here</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:alert" not in html


@pytest.mark.django_db
def test_body_html_in_api_is_sanitised(artist):
    feedback = file_feedback(artist, body=EVIL)
    body_html = client_for(artist.user).get(f"/api/feedback/{feedback.pk}/").json()["body_html"]
    assert "<strong>here</strong>" in body_html
    assert "<script" not in body_html


@pytest.mark.django_db
def test_comment_script_is_neutralised_for_staff(artist, program_staff):
    feedback = file_feedback(artist)
    feedback_comment_add(feedback=feedback, author=artist.user, body=EVIL)
    html = web_for(program_staff).get(f"/staff/feedback/{feedback.pk}/").content.decode()
    assert "<script>alert" not in html
