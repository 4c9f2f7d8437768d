"""Every feedback route against every role: anonymous, owner, other artist, each staff role."""

import pytest

from tests.conftest import bearer, client_for, make_staff, token_for
from tests.feedback.conftest import file_feedback, web_for

ROLES = ["anonymous", "owner", "other_artist", "curator", "program_staff", "finance", "admin"]


@pytest.fixture
def actors(artist, other_artist):
    return {
        "owner": artist.user,
        "other_artist": other_artist.user,
        "curator": make_staff("curator"),
        "program_staff": make_staff("program_staff"),
        "finance": make_staff("finance"),
        "admin": make_staff("admin"),
    }


@pytest.fixture
def item(artist):
    return file_feedback(artist)


# Artist routes: the owner only; others 404 (no existence leak); staff are not artists (403).
ARTIST_API = {
    "owner": 200,
    "other_artist": 404,
    "curator": 403,
    "program_staff": 403,
    "finance": 403,
    "admin": 403,  # admin holds every role but is no program member
    "anonymous": 401,
}
# Staff triage: program staff and admin only.
STAFF_ONLY = {
    "owner": 403,
    "other_artist": 403,
    "curator": 403,
    "program_staff": 200,
    "finance": 403,
    "admin": 200,
    "anonymous": 401,
}


def api(role, actors):
    from rest_framework.test import APIClient

    return APIClient() if role == "anonymous" else client_for(actors[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "comments/", "attachments/"])
def test_artist_item_api(role, suffix, actors, item):
    response = api(role, actors).get(f"/api/feedback/{item.pk}/{suffix}")
    assert response.status_code == ARTIST_API[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_artist_comment_post_api(role, actors, item):
    response = api(role, actors).post(
        f"/api/feedback/{item.pk}/comments/", {"body": "hi"}, format="json"
    )
    assert response.status_code == {**ARTIST_API, "owner": 201}[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_artist_list_api_shows_only_own(role, actors, item):
    response = api(role, actors).get("/api/feedback/")
    expected = {**ARTIST_API, "other_artist": 200}[role]
    assert response.status_code == expected
    if expected == 200:
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == ([item.pk] if role == "owner" else [])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/api/staff/feedback/", "/api/staff/feedback/{pk}/"])
def test_staff_read_api(role, path, actors, item):
    response = api(role, actors).get(path.format(pk=item.pk))
    assert response.status_code == STAFF_ONLY[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "body", "created"),
    [
        ("transition/", {"state": "triaged"}, False),
        ("comments/", {"body": "reply"}, True),
        ("notes/", {"body": "note"}, True),
    ],
)
def test_staff_write_api(role, path, body, created, actors, item):
    response = api(role, actors).post(f"/api/staff/feedback/{item.pk}/{path}", body, format="json")
    expected = STAFF_ONLY[role]
    assert response.status_code == (201 if created and expected == 200 else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_bulk_api(role, actors, item):
    response = api(role, actors).post(
        "/api/staff/feedback/bulk/", {"ids": [item.pk], "state": "triaged"}, format="json"
    )
    assert response.status_code == STAFF_ONLY[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_ship_api(role, actors, item, program_staff):
    from program.feedback.services import feedback_transition

    feedback_transition(feedback=item, actor=program_staff, to_state="accepted")
    response = api(role, actors).post(
        f"/api/staff/feedback/{item.pk}/ship/", {"version": "1.2"}, format="json"
    )
    assert response.status_code == STAFF_ONLY[role]


def web(role, actors):
    from django.test import Client

    return Client() if role == "anonymous" else web_for(actors[role])


WEB_ARTIST = {**ARTIST_API, "anonymous": 302, "other_artist": 404, "admin": 404}
WEB_STAFF = {**STAFF_ONLY, "anonymous": 302}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_artist_detail_page(role, actors, item):
    assert web(role, actors).get(f"/portal/feedback/{item.pk}/").status_code == WEB_ARTIST[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/portal/feedback/", "/portal/feedback/new/"])
def test_artist_pages(role, path, actors, item):
    expected = {**WEB_ARTIST, "other_artist": 200}[role]
    assert web(role, actors).get(path).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/staff/feedback/", "/staff/feedback/{pk}/"])
def test_staff_pages(role, path, actors, item):
    assert web(role, actors).get(path.format(pk=item.pk)).status_code == WEB_STAFF[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_bulk_page(role, actors, item):
    response = web(role, actors).post(
        "/staff/feedback/bulk/", {"ids": [item.pk], "state": "triaged"}
    )
    assert response.status_code == {**WEB_STAFF, "program_staff": 302, "admin": 302}[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_severity_scale_is_public(role, actors):
    assert web(role, actors).get("/feedback/severity/").status_code == 200
    assert api(role, actors).get("/api/feedback/severity-scale/").status_code == 200


@pytest.mark.django_db
def test_other_artist_cannot_comment_on_web(other_artist, item):
    response = web_for(other_artist.user).post(f"/portal/feedback/{item.pk}/", {"body": "hi"})
    assert response.status_code == 404
    assert not item.comments.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_attachment_upload_api(role, actors, item):
    from tests.feedback.factories import png_upload

    response = api(role, actors).post(
        f"/api/feedback/{item.pk}/attachments/", {"file": png_upload()}, format="multipart"
    )
    assert response.status_code == {**ARTIST_API, "owner": 201}[role]
    assert item.attachments.count() == (1 if role == "owner" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_create_api(role, actors):
    response = api(role, actors).post(
        "/api/feedback/", {"kind": "idea", "title": "t", "body": "b"}, format="json"
    )
    assert response.status_code == {**ARTIST_API, "owner": 201, "other_artist": 201}[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_detail_actions_on_web(role, actors, item):
    response = web(role, actors).post(
        f"/staff/feedback/{item.pk}/", {"action": "transition", "state": "triaged"}
    )
    item.refresh_from_db()
    assert response.status_code == {**WEB_STAFF, "program_staff": 302, "admin": 302}[role]
    assert item.state == ("triaged" if role in ("program_staff", "admin") else "new")


# --- Access tokens ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_with_feedback_write_can_post(artist):
    client = bearer(token_for(artist, scopes=("feedback:write",)))
    response = client.post(
        "/api/feedback/", {"kind": "idea", "title": "Loop mode", "body": "Please"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "new"


@pytest.mark.django_db
def test_token_without_feedback_write_is_403(artist, item):
    client = bearer(token_for(artist, scopes=("videos:read", "videos:write")))
    post = client.post(
        "/api/feedback/", {"kind": "idea", "title": "Loop", "body": "Please"}, format="json"
    )
    read = client.get(f"/api/feedback/{item.pk}/")
    assert (post.status_code, read.status_code) == (403, 403)
    assert post.json()["error"]["code"] == "insufficient_scope"


@pytest.mark.django_db
def test_token_reads_only_its_owners_feedback(other_artist, item):
    client = bearer(token_for(other_artist, scopes=("feedback:write",)))
    assert client.get(f"/api/feedback/{item.pk}/").status_code == 404
