import io

import pytest
from django.urls import reverse

from program.models import Tester
from tests.conftest import client_for, make_staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("artist", 403), ("curator", 403), ("finance", 403), ("program_staff", 200), ("admin", 200)],
)
def test_tester_list_is_for_program_staff_only(program, artist, role, expected):
    user = artist.user if role == "artist" else make_staff(role)
    assert client_for(user).get("/api/testers/").status_code == expected


@pytest.mark.django_db
def test_anonymous_gets_401_json_envelope(api_client, program):
    response = api_client.get("/api/testers/")
    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"message", "type", "param", "code"}


@pytest.mark.django_db
def test_tester_list_filters_and_query_count_is_constant(
    program, program_staff, django_assert_max_num_queries
):
    from tests.conftest import make_artist

    for index in range(30):
        make_artist(program, country="JP" if index % 3 == 0 else "FR")
    client = client_for(program_staff)
    with django_assert_max_num_queries(6):
        response = client.get("/api/testers/", {"country": "JP", "limit": 100})
    assert response.status_code == 200
    assert response.json()["count"] == 10


@pytest.mark.django_db
def test_invite_via_api_and_duplicate_is_409_naming_email(program, program_staff):
    client = client_for(program_staff)
    body = {"email": "new@example.test", "name": "New", "country": "KE"}

    assert client.post("/api/invitations/", body, format="json").status_code == 201
    response = client.post("/api/invitations/", body, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["param"] == "email"
    assert Tester.objects.filter(user__email="new@example.test").count() == 1


@pytest.mark.django_db
def test_invite_with_bad_field_names_it(program, program_staff):
    response = client_for(program_staff).post(
        "/api/invitations/",
        {"email": "x@example.test", "name": "X", "country": "QQ"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "country"


@pytest.mark.django_db
def test_csv_import_via_api_reports_rows(program, program_staff):
    csv_file = io.BytesIO(b"email,name,country\nok@example.test,Ok,FR\nbad,Bad,FR\n")
    csv_file.name = "testers.csv"
    response = client_for(program_staff).post(
        "/api/invitations/import/", {"file": csv_file}, format="multipart"
    )
    body = response.json()
    assert response.status_code == 200
    assert len(body["created"]) == 1
    assert body["errors"] == [
        {"row": 3, "field": "email", "message": "'bad' is not a valid email address."}
    ]


@pytest.mark.django_db
def test_status_change_via_api(program, program_staff, artist):
    response = client_for(program_staff).post(
        f"/api/testers/{artist.pk}/status/",
        {"status": "suspended", "reason": "Asked for a break"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"


@pytest.mark.django_db
def test_status_change_invalid_transition_is_409(program, program_staff, artist):
    response = client_for(program_staff).post(
        f"/api/testers/{artist.pk}/status/", {"status": "invited", "reason": "oops"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_name", "expected"),
    [
        ("artist", "staff-testers", 403),
        ("curator", "staff-testers", 403),
        ("program_staff", "staff-testers", 200),
        ("finance", "staff-invitations", 403),
        ("program_staff", "staff-invitations", 200),
        ("curator", "staff-overview", 200),
        ("artist", "staff-overview", 403),
        ("program_staff", "portal-dashboard", 403),
    ],
)
def test_web_pages_enforce_roles(client, program, artist, role, url_name, expected):
    user = artist.user if role == "artist" else make_staff(role)
    client.force_login(user)
    assert client.get(reverse(url_name)).status_code == expected


@pytest.mark.django_db
def test_anonymous_web_user_is_sent_to_login(client, program):
    response = client.get(reverse("staff-testers"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_staff_tester_search_finds_by_email(client, program, program_staff, artist, other_artist):
    client.force_login(program_staff)
    response = client.get(reverse("staff-testers"), {"search": artist.user.email})
    assert artist.display_name in response.content.decode()
    assert other_artist.display_name not in response.content.decode()


@pytest.mark.django_db
def test_bulk_status_change_applies_to_selected_and_reports_refusals(
    client, program, program_staff
):
    from tests.conftest import make_artist

    active = [make_artist(program) for _ in range(3)]
    gone = make_artist(program, status="offboarded")
    client.force_login(program_staff)

    response = client.post(
        reverse("staff-testers-bulk"),
        {
            "tester": [t.pk for t in [*active, gone]],
            "status": "suspended",
            "reason": "Quarterly break",
        },
        follow=True,
    )

    assert {t.status for t in Tester.objects.filter(pk__in=[t.pk for t in active])} == {"suspended"}
    assert Tester.objects.get(pk=gone.pk).status == "offboarded"
    assert "cannot go from offboarded" in response.content.decode()


@pytest.mark.django_db
def test_bulk_status_change_is_for_program_staff_only(client, program, curator, artist):
    client.force_login(curator)
    response = client.post(
        reverse("staff-testers-bulk"), {"tester": [artist.pk], "status": "suspended", "reason": "x"}
    )
    assert response.status_code == 403
    assert Tester.objects.get(pk=artist.pk).status == "active"
