import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from program.feedback.services import feedback_comment_add, feedback_transition
from program.models import Notification
from tests.conftest import client_for, make_artist
from tests.feedback.conftest import MONDAY, file_feedback, web_for
from tests.feedback.factories import GenerationJobFactory


@pytest.mark.django_db
def test_linked_job_snapshots_prompt_seed_and_model(artist):
    job = GenerationJobFactory(tester=artist, prompt="A fox in snow", seed=42)
    response = client_for(artist.user).post(
        "/api/feedback/",
        {"kind": "quality", "title": "Fur", "body": "Mushy fur", "jobs": [job.public_id]},
        format="json",
    )
    assert response.status_code == 201
    job.prompt = "edited later"
    job.save()
    linked = client_for(artist.user).get(f"/api/feedback/{response.json()['id']}/").json()["jobs"]
    assert linked == [
        {
            "id": job.public_id,
            "prompt": "A fox in snow",
            "seed": 42,
            "model": "atelier-video-1",
            "size": "832x480",
            "video_url": None,
        }
    ]


@pytest.mark.django_db
def test_someone_elses_job_cannot_be_linked(artist, other_artist):
    job = GenerationJobFactory(tester=other_artist)
    response = client_for(artist.user).post(
        "/api/feedback/",
        {"kind": "idea", "title": "x", "body": "y", "jobs": [job.public_id]},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["param"] == "jobs"


@pytest.mark.django_db
def test_missing_severity_for_bug_names_the_field(artist):
    response = client_for(artist.user).post(
        "/api/feedback/", {"kind": "bug", "title": "x", "body": "y"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "severity"


@pytest.mark.django_db
def test_new_form_prelinks_job_from_query(artist):
    job = GenerationJobFactory(tester=artist)
    html = web_for(artist.user).get(f"/portal/feedback/new/?job={job.public_id}").content.decode()
    assert f'<option value="{job.public_id}" selected>' in html


@pytest.mark.django_db
def test_new_form_shows_the_severity_scale(artist):
    html = web_for(artist.user).get("/portal/feedback/new/").content.decode()
    assert "P1</strong> Critical" in html


@pytest.mark.django_db
def test_artist_list_query_count_is_constant(program, artist, django_assert_max_num_queries):
    for index in range(20):
        file_feedback(artist, title=f"Item {index}")
    client = client_for(artist.user)
    with django_assert_max_num_queries(8):
        response = client.get("/api/feedback/", {"limit": 50})
    assert response.json()["count"] == 20


@pytest.mark.django_db
def test_staff_queue_query_count_is_constant(program, program_staff, django_assert_max_num_queries):
    for index in range(20):
        file_feedback(make_artist(program), title=f"Item {index}")
    client = client_for(program_staff)
    with django_assert_max_num_queries(8):
        response = client.get("/api/staff/feedback/", {"limit": 50})
    assert response.json()["count"] == 20


@pytest.mark.django_db
def test_staff_queue_page_query_count_is_constant(
    program, program_staff, django_assert_max_num_queries
):
    for index in range(20):
        file_feedback(make_artist(program), title=f"Item {index}")
    client = web_for(program_staff)
    with django_assert_max_num_queries(12):
        response = client.get("/staff/feedback/")
    assert response.content.decode().count('name="ids"') == 20


@pytest.mark.django_db
def test_artist_detail_query_count(artist, program_staff, django_assert_max_num_queries):
    feedback = file_feedback(artist)
    for index in range(5):
        feedback_comment_add(feedback=feedback, author=program_staff, body=f"reply {index}")
        feedback_transition(feedback=feedback, actor=program_staff, to_state="needs_info")
        feedback_comment_add(feedback=feedback, author=artist.user, body="more")
    client = client_for(artist.user)
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/feedback/{feedback.pk}/").status_code == 200


@pytest.mark.django_db
def test_staff_detail_query_count(artist, program_staff, django_assert_max_num_queries):
    feedback = file_feedback(artist)
    for index in range(5):
        feedback_comment_add(
            feedback=feedback, author=program_staff, body=f"n{index}", internal=True
        )
        feedback_transition(feedback=feedback, actor=program_staff, to_state="needs_info")
        feedback_comment_add(feedback=feedback, author=artist.user, body="more")
    api, web = client_for(program_staff), web_for(program_staff)
    with django_assert_max_num_queries(10):
        assert api.get(f"/api/staff/feedback/{feedback.pk}/").status_code == 200
    with django_assert_max_num_queries(16):
        assert web.get(f"/staff/feedback/{feedback.pk}/").status_code == 200


@pytest.mark.django_db
def test_staff_filters_overdue_kind_and_severity(program, artist, program_staff):
    with time_machine.travel(MONDAY, tick=False):
        old_bug = file_feedback(artist, severity="P1")
    file_feedback(artist, kind="idea", severity="")
    client = client_for(program_staff)
    overdue = client.get("/api/staff/feedback/", {"overdue": "true"}).json()
    ideas = client.get("/api/staff/feedback/", {"kind": "idea"}).json()
    p1 = client.get("/api/staff/feedback/", {"severity": "P1"}).json()
    assert [row["id"] for row in overdue["results"]] == [old_bug.pk]
    assert [row["kind"] for row in ideas["results"]] == ["idea"]
    assert [row["id"] for row in p1["results"]] == [old_bug.pk]


@pytest.mark.django_db
def test_bulk_triage_reports_each_item(program, artist, program_staff):
    first, second = file_feedback(artist), file_feedback(artist)
    feedback_transition(feedback=second, actor=program_staff, to_state="informative")
    response = client_for(program_staff).post(
        "/api/staff/feedback/bulk/",
        {"ids": [first.pk, second.pk], "state": "triaged"},
        format="json",
    )
    body = response.json()
    assert body["changed"] == [first.pk]
    assert list(body["errors"]) == [str(second.pk)]


@pytest.mark.django_db
def test_bulk_accept_is_not_offered(program_staff, feedback):
    response = client_for(program_staff).post(
        "/api/staff/feedback/bulk/", {"ids": [feedback.pk], "state": "accepted"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "state"


@pytest.mark.django_db
def test_staff_marks_duplicate_via_api(program_staff, artist, other_artist):
    original, duplicate = file_feedback(artist), file_feedback(other_artist)
    response = client_for(program_staff).post(
        f"/api/staff/feedback/{duplicate.pk}/transition/",
        {"state": "duplicate", "duplicate_of": original.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == original.pk


@pytest.mark.django_db
def test_invalid_transition_is_409(program_staff, feedback):
    feedback_transition(feedback=feedback, actor=program_staff, to_state="not_applicable")
    response = client_for(program_staff).post(
        f"/api/staff/feedback/{feedback.pk}/transition/", {"state": "triaged"}, format="json"
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_staff_web_transition_and_ship(program_staff, feedback):
    client = web_for(program_staff)
    client.post(f"/staff/feedback/{feedback.pk}/", {"action": "transition", "state": "accepted"})
    client.post(f"/staff/feedback/{feedback.pk}/", {"action": "ship", "version": "2.0"})
    feedback.refresh_from_db()
    assert (feedback.state, feedback.shipped_in_version) == ("accepted", "2.0")


@pytest.mark.django_db
def test_staff_web_internal_note(program_staff, feedback):
    web_for(program_staff).post(
        f"/staff/feedback/{feedback.pk}/", {"action": "comment", "body": "n", "internal": "on"}
    )
    assert feedback.comments.get().internal is True


@pytest.mark.django_db
def test_artist_web_reply_reopens_needs_info(artist, program_staff, feedback):
    feedback_transition(feedback=feedback, actor=program_staff, to_state="needs_info")
    response = web_for(artist.user).post(f"/portal/feedback/{feedback.pk}/", {"body": "Seed 7"})
    feedback.refresh_from_db()
    assert response.status_code == 302
    assert feedback.state == "triaged"


@pytest.mark.django_db
def test_dashboard_panel_shows_open_feedback_with_clocks(artist, feedback):
    html = web_for(artist.user).get("/portal/").content.decode()
    assert feedback.title in html
    assert "First response: due" in html


@pytest.mark.django_db
def test_staff_overview_panel_counts_overdue(program, program_staff, artist):
    with time_machine.travel(timezone.now() - dt.timedelta(days=30), tick=False):
        file_feedback(artist)
    html = web_for(program_staff).get("/staff/").content.decode()
    assert "Feedback clocks" in html
    assert '<div class="label">Overdue</div><div class="value">1</div>' in html


@pytest.mark.django_db
def test_overview_panel_hidden_from_finance(program, finance_user):
    html = web_for(finance_user).get("/staff/").content.decode()
    assert "Feedback clocks" not in html


@pytest.mark.django_db
def test_duplicate_filer_never_sees_the_originals_text(artist, other_artist, program_staff):
    original = file_feedback(artist, title="Private title of artist A", body="A's words")
    duplicate = file_feedback(other_artist)
    feedback_transition(
        feedback=duplicate, actor=program_staff, to_state="duplicate", duplicate_of=original
    )
    feedback_transition(feedback=original, actor=program_staff, to_state="accepted")
    page = web_for(other_artist.user).get(f"/portal/feedback/{duplicate.pk}/").content.decode()
    api = client_for(other_artist.user).get(f"/api/feedback/{duplicate.pk}/").content.decode()
    notices = "".join(
        Notification.objects.filter(user=other_artist.user).values_list("body", flat=True)
    )
    for text in (page, api, notices):
        assert "Private title" not in text
        assert "A's words" not in text


@pytest.mark.django_db
def test_queue_lists_open_items_first_oldest_promise_first(program, artist, program_staff):
    with time_machine.travel(MONDAY, tick=False):
        decided = file_feedback(artist)
        feedback_transition(feedback=decided, actor=program_staff, to_state="informative")
    newer = file_feedback(artist)
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        older = file_feedback(artist)
    rows = client_for(program_staff).get("/api/staff/feedback/").json()["results"]
    assert [row["id"] for row in rows] == [older.pk, newer.pk, decided.pk]


@pytest.mark.django_db
def test_linked_video_url_is_a_checked_download_for_owner_and_staff(artist, program_staff):
    from generation.models import GenerationJob

    job = GenerationJobFactory(tester=artist, status=GenerationJob.Status.COMPLETED)
    GenerationJob.objects.filter(pk=job.pk).update(video="videos/2026/11/linked.mp4")
    created = client_for(artist.user).post(
        "/api/feedback/",
        {"kind": "quality", "title": "Flicker", "body": "Frames flicker", "jobs": [job.public_id]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    mine = client_for(artist.user).get(f"/api/feedback/{pk}/").json()["jobs"][0]["video_url"]
    staff = client_for(program_staff).get(f"/api/staff/feedback/{pk}/")
    theirs = staff.json()["jobs"][0]["video_url"]
    assert mine == f"/v1/videos/{job.public_id}/content"
    assert theirs == f"/staff/videos/{job.public_id}/content/"
