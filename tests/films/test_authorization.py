"""Every films route, every role: anonymous, owner, other artist, curator, program staff,
finance, admin. An artist never reaches another artist's film; a curator is not finance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from program.films.services import curation, screenings
from tests.conftest import client_for
from tests.films.factories import make_film, make_license, make_round, web_client

ROLES = ["anonymous", "owner", "other_artist", "curator", "program_staff", "finance", "admin"]


@pytest.fixture
def world(program, artist, other_artist, curator, program_staff, finance_user, admin_user):
    round = make_round(program=program, actor=program_staff)
    film = make_film(tester=artist, title="Owner's film", credits="By Owner")
    assignment = curation.assignment_create(film=film, curator=curator, actor=program_staff)
    license = make_license(film=film, actor=program_staff)
    screening = screenings.screening_create(
        program=program,
        title="Show",
        starts_at=timezone.now() + timedelta(days=3),
        place="Hall",
        actor=program_staff,
    )
    users = {
        "anonymous": None,
        "owner": artist.user,
        "other_artist": other_artist.user,
        "curator": curator,
        "program_staff": program_staff,
        "finance": finance_user,
        "admin": admin_user,
    }
    ids = {
        "film": film.pk,
        "round": round.pk,
        "assignment": assignment.pk,
        "license": license.pk,
        "screening": screening.pk,
    }
    return users, ids


def _api(user):
    return client_for(user) if user is not None else client_for(None)


def _check(world, method, path, expected, *, web=False, data=None):
    users, ids = world
    path = path.format(**ids)
    got = {}
    for role in ROLES:
        client = web_client(users[role]) if web else _api(users[role])
        if method == "get":
            response = client.get(path)
        elif web:
            response = client.post(path, data or {})
        else:
            response = client.post(path, data or {}, format="json")
        got[role] = response.status_code
    assert got == dict(zip(ROLES, expected, strict=True)), path


# Expected codes, in ROLES order:
#                anon owner other curator staff finance admin
OWN_ONLY = [401, 200, 404, 403, 403, 403, 403]
ARTISTS = [401, 200, 200, 403, 403, 403, 403]
CURATORS = [401, 403, 403, 200, 403, 403, 200]
STAFF = [401, 403, 403, 403, 200, 403, 200]
STAFF_FINANCE_READ = [401, 403, 403, 403, 200, 200, 200]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/films/", ARTISTS),
        ("/api/films/{film}/", OWN_ONLY),
        ("/api/films/{film}/reviews/", OWN_ONLY),
        ("/api/films/{film}/licenses/", OWN_ONLY),
        ("/api/films/public/", [200] * 7),
        ("/api/films/licenses/", ARTISTS),
        ("/api/curation/assignments/mine/", CURATORS),
        # The admin holds every role but is not this assignment's curator.
        ("/api/curation/assignments/mine/{assignment}/", [401, 403, 403, 200, 403, 403, 404]),
        ("/api/curation/rounds/{round}/results/", [401, 403, 403, 200, 200, 403, 200]),
        ("/api/curation/rounds/", STAFF),
        ("/api/curation/rounds/{round}/", STAFF),
        ("/api/curation/rounds/{round}/assignments/", STAFF),
        ("/api/curation/rounds/{round}/decisions/", STAFF),
        ("/api/curation/films/", STAFF),
        ("/api/screenings/", STAFF_FINANCE_READ),
        ("/api/screenings/{screening}/", STAFF_FINANCE_READ),
        ("/api/licenses/", STAFF_FINANCE_READ),
        ("/api/licenses/{license}/", STAFF_FINANCE_READ),
        ("/api/licenses/uses/", STAFF_FINANCE_READ),
    ],
)
def test_api_reads(world, path, expected):
    _check(world, "get", path, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # Other artists get 404 (never learn the film exists); the owner is refused on state.
        ("/api/films/{film}/withdraw/", [401, 200, 404, 403, 403, 403, 403]),
        ("/api/films/{film}/licenses/{license}/decline/", [401, 200, 404, 403, 403, 403, 403]),
        ("/api/curation/rounds/{round}/release/", [401, 403, 403, 403, 409, 403, 409]),
        ("/api/licenses/{license}/cancel/", [401, 403, 403, 403, 200, 403, 409]),
        ("/api/screenings/{screening}/confirm/", [401, 403, 403, 403, 409, 403, 409]),
        ("/api/curation/rounds/{round}/autoassign/", [401, 403, 403, 403, 200, 403, 200]),
    ],
)
def test_api_writes(world, path, expected):
    _check(world, "post", path, expected)


@pytest.mark.django_db
def test_finance_cannot_request_licenses(world):
    users, ids = world
    response = client_for(users["finance"]).post(
        "/api/licenses/",
        {
            "film": ids["film"],
            "use": "press",
            "channels": ["press"],
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-02",
            "fee_minor": 100,
            "currency": "USD",
        },
        format="json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_curator_cannot_score_through_another_curators_assignment(world, program):
    from tests.conftest import make_staff

    _, ids = world
    intruder = make_staff("curator", "nosy@staff.test")
    response = client_for(intruder).post(
        f"/api/curation/assignments/mine/{ids['assignment']}/review/",
        {"scores": {}},
        format="json",
    )
    assert response.status_code == 404


# Web pages: anonymous users are sent to log in (302).
W_OWN_ONLY = [302, 200, 404, 403, 403, 403, 404]
W_ARTISTS = [302, 200, 200, 403, 403, 403, 404]
W_CURATORS = [302, 403, 403, 200, 403, 403, 200]
W_STAFF = [302, 403, 403, 403, 200, 403, 200]
W_STAFF_FINANCE = [302, 403, 403, 403, 200, 200, 200]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/films/", [200] * 7),
        ("/portal/films/", W_ARTISTS),
        ("/portal/films/submit/", W_ARTISTS),
        ("/portal/films/licenses/", W_ARTISTS),
        ("/portal/films/{film}/", W_OWN_ONLY),
        ("/staff/curation/", W_CURATORS),
        ("/staff/curation/{assignment}/", [302, 403, 403, 200, 403, 403, 404]),
        # A curator sees results only once they have scored in the round.
        ("/staff/curation/rounds/{round}/results/", [302, 403, 403, 404, 200, 403, 200]),
        ("/staff/films/", W_STAFF),
        ("/staff/films/rounds/", W_STAFF),
        ("/staff/films/rounds/{round}/", W_STAFF),
        ("/staff/films/screenings/", W_STAFF_FINANCE),
        ("/staff/films/screenings/{screening}/", W_STAFF_FINANCE),
        ("/staff/films/licenses/", W_STAFF_FINANCE),
        ("/staff/films/licenses/{license}/", W_STAFF_FINANCE),
        # Media: owner, assigned curator, program staff; unpublished films 404 to everyone else.
        ("/films/{film}/media/poster/", [404, 200, 404, 200, 200, 404, 200]),
    ],
)
def test_web_pages(world, path, expected):
    _check(world, "get", path, expected, web=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/staff/films/licenses/{license}/", "/staff/films/screenings/", "/staff/films/licenses/"],
)
def test_finance_cannot_write_on_staff_pages(world, path):
    users, ids = world
    response = web_client(users["finance"]).post(path.format(**ids), {"action": "cancel"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_other_artist_web_actions_on_a_film_are_404(world):
    users, ids = world
    response = web_client(users["other_artist"]).post(
        f"/portal/films/{ids['film']}/", {"action": "withdraw"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_other_artist_lists_never_show_foreign_films_or_licenses(world):
    users, _ = world
    client = client_for(users["other_artist"])
    assert client.get("/api/films/").json()["count"] == 0
    assert client.get("/api/films/licenses/").json()["count"] == 0
    page = web_client(users["other_artist"]).get("/portal/films/licenses/").content.decode()
    assert "Owner&#x27;s film" not in page and "Owner's film" not in page


@pytest.mark.django_db
def test_tokens_read_and_create_films_by_scope(world, artist):
    from tests.conftest import bearer, token_for
    from tests.films.factories import mp4_upload

    read_only = bearer(token_for(artist, scopes=("videos:read",)))
    assert read_only.get("/api/films/").status_code == 200
    refused = read_only.post(
        "/api/films/", {"title": "T", "video": mp4_upload()}, format="multipart"
    )
    assert refused.status_code == 403

    writer = bearer(token_for(artist, scopes=("videos:read", "videos:write")))
    created = writer.post("/api/films/", {"title": "T", "video": mp4_upload()}, format="multipart")
    assert created.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_a_token_can_never_answer_a_license(world, artist, action):
    """Consent speaks for the artist: a leaked token must not be able to give or take it."""
    from tests.conftest import bearer, token_for

    _, ids = world
    client = bearer(token_for(artist, scopes=("videos:read", "videos:write", "feedback:write")))
    response = client.post(
        f"/api/films/{ids['film']}/licenses/{ids['license']}/{action}/", {}, format="json"
    )
    assert response.status_code == 403
    assert "session" in response.json()["error"]["message"]
