import pytest

from program.access.models import AccessToken, AuditEvent, SecurityFlag, TokenQuarantine
from program.access.services import (
    security_flag_raise,
    token_issue,
    token_quarantine,
)
from tests.conftest import bearer, client_for, make_artist, make_staff, token_for

STAFF_ROLES = ["curator", "finance"]


def _quarantined(tester):
    issued = token_issue(tester=tester, name="leaky", scopes=["videos:read"])
    return token_quarantine(
        token=issued.token, rule="origin", evidence={"origin": "https://leak.example"}
    )


# --- /api/tokens/ ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tokens_anonymous_is_401(api_client, program):
    assert api_client.get("/api/tokens/").status_code == 401
    assert api_client.post("/api/tokens/", {}, format="json").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["curator", "finance", "program_staff"])
def test_tokens_staff_without_membership_get_403(program, role):
    assert client_for(make_staff(role)).get("/api/tokens/").status_code == 403


@pytest.mark.django_db
def test_artist_lists_only_own_tokens(artist, other_artist, django_assert_max_num_queries):
    for _ in range(5):
        token_for(artist)
    token_for(other_artist)
    _quarantined(artist)
    client = client_for(artist.user)
    with django_assert_max_num_queries(8):
        response = client.get("/api/tokens/")
    body = response.json()
    assert body["count"] == 6
    assert {t["id"] for t in body["results"]} == set(
        AccessToken.objects.filter(tester=artist).values_list("id", flat=True)
    )
    assert "secret" not in body["results"][0] and "token_hash" not in body["results"][0]


@pytest.mark.django_db
def test_create_token_returns_secret_once_and_audits(artist):
    client = client_for(artist.user)
    response = client.post(
        "/api/tokens/",
        {"name": "render box", "scopes": ["videos:read"], "expires_in_days": 7},
        format="json",
    )
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    secret = response.json()["secret"]
    assert bearer(secret).get("/api/me/").status_code == 200
    assert "secret" not in client.get("/api/tokens/").json()["results"][0]
    assert AuditEvent.objects.get(action="token.created").subject_tester == artist


@pytest.mark.django_db
def test_create_token_with_unknown_scope_names_the_field(artist):
    response = client_for(artist.user).post(
        "/api/tokens/", {"name": "x", "scopes": ["admin:all"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "scopes"


@pytest.mark.django_db
def test_a_token_cannot_mint_tokens(artist):
    response = bearer(token_for(artist)).post(
        "/api/tokens/", {"name": "x", "scopes": ["videos:read"]}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "session_required"


@pytest.mark.django_db
def test_token_can_list_its_owners_tokens(artist):
    assert bearer(token_for(artist)).get("/api/tokens/").json()["count"] == 1


# --- /api/tokens/{id}/ -------------------------------------------------------------------------


@pytest.mark.django_db
def test_delete_revokes_own_token(artist):
    secret = token_for(artist)
    token = AccessToken.objects.get()
    response = client_for(artist.user).delete(f"/api/tokens/{token.pk}/")
    assert response.status_code == 204
    assert bearer(secret).get("/api/me/").status_code == 401
    assert AuditEvent.objects.filter(action="token.revoked", actor=artist.user).exists()


@pytest.mark.django_db
def test_other_artist_cannot_see_or_delete_my_token(artist, other_artist):
    token_for(artist)
    token = AccessToken.objects.get()
    client = client_for(other_artist.user)
    assert client.get(f"/api/tokens/{token.pk}/").status_code == 404
    assert client.delete(f"/api/tokens/{token.pk}/").status_code == 404
    assert client.post(f"/api/tokens/{token.pk}/rotate/").status_code == 404
    token.refresh_from_db()
    assert token.status == AccessToken.Status.ACTIVE


@pytest.mark.django_db
def test_detail_shows_quarantine_evidence_to_owner(artist):
    quarantine = _quarantined(artist)
    data = client_for(artist.user).get(f"/api/tokens/{quarantine.token_id}/").json()
    assert data["status"] == "quarantined"
    assert data["quarantines"][0]["evidence"]["origin"] == "https://leak.example"


@pytest.mark.django_db
def test_rotate_issues_new_and_revokes_old(artist):
    old_secret = token_for(artist)
    token = AccessToken.objects.get()
    response = client_for(artist.user).post(f"/api/tokens/{token.pk}/rotate/")
    assert response.status_code == 201
    new = response.json()
    assert new["token"]["name"] == token.name and new["token"]["scopes"] == token.scopes
    assert bearer(old_secret).get("/api/me/").status_code == 401
    assert bearer(new["secret"]).get("/api/me/").status_code == 200


@pytest.mark.django_db
def test_rotate_with_a_token_is_refused(artist):
    secret = token_for(artist)
    token = AccessToken.objects.get()
    response = bearer(secret).post(f"/api/tokens/{token.pk}/rotate/")
    assert response.status_code == 403


# --- audit -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_artist_sees_only_audit_entries_about_themselves(artist, other_artist, program_staff):
    token_for(artist)
    token_for(other_artist)
    _quarantined(artist)
    data = client_for(artist.user).get("/api/audit-events/").json()
    assert data["count"] == 3
    assert {e["subject_tester"] for e in data["results"]} == {artist.pk}


@pytest.mark.django_db
def test_artist_sees_staff_as_atelier_staff_without_ip(artist, program_staff):
    from program.access.services import token_release

    quarantine = _quarantined(artist)
    token_release(
        quarantine=quarantine, actor=program_staff, reason="Was me", ip_address="192.0.2.1"
    )
    events = client_for(artist.user).get("/api/audit-events/").json()["results"]
    released = next(e for e in events if e["action"] == "token.released")
    assert released["actor"] == "Atelier staff" and released["ip_address"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [("curator", 403), ("finance", 403)])
def test_audit_forbidden_for_other_staff(program, role, expected):
    assert client_for(make_staff(role)).get("/api/audit-events/").status_code == expected


@pytest.mark.django_db
def test_staff_audit_filters_and_query_count(program, program_staff, django_assert_max_num_queries):
    first = make_artist(program)
    for _ in range(10):
        token_for(first)
    token_for(make_artist(program))
    client = client_for(program_staff)
    with django_assert_max_num_queries(6):
        data = client.get("/api/audit-events/", {"tester": first.user.email}).json()
    assert data["count"] == 10
    assert client.get("/api/audit-events/", {"action": "token.revoked"}).json()["count"] == 0
    bad = client.get("/api/audit-events/", {"date_from": "not-a-date"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "date_from"


@pytest.mark.django_db
def test_artist_filters_own_audit_entries_by_action(artist):
    token_for(artist)
    _quarantined(artist)
    client = client_for(artist.user)
    data = client.get("/api/audit-events/", {"action": "token.quarantined"}).json()
    assert [e["action"] for e in data["results"]] == ["token.quarantined"]


@pytest.mark.django_db
def test_artist_bad_audit_date_names_the_parameter(artist):
    bad = client_for(artist.user).get("/api/audit-events/", {"date_to": "soon"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "date_to"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["actor", "tester"])
def test_artist_cannot_filter_audit_on_staff_only_fields(artist, name):
    """Who acted is hidden from artists; filtering on it would reveal it."""
    bad = client_for(artist.user).get("/api/audit-events/", {name: "staff@"})
    assert bad.status_code == 403 and bad.json()["error"]["param"] == name


# --- staff security ----------------------------------------------------------------------------

STAFF_GETS = ["/api/security/quarantines/", "/api/security/flags/", "/api/security/settings/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_GETS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("artist", 403), ("curator", 403), ("finance", 403), ("admin", 200)],
)
def test_staff_security_reads_authorization(api_client, artist, url, role, expected):
    if role == "anonymous":
        client = api_client
    else:
        client = client_for(artist.user if role == "artist" else make_staff(role))
    assert client.get(url).status_code == expected


@pytest.mark.django_db
def test_staff_list_quarantines_with_query_count(
    program, program_staff, django_assert_max_num_queries
):
    for _ in range(6):
        _quarantined(make_artist(program))
    with django_assert_max_num_queries(6):
        data = client_for(program_staff).get("/api/security/quarantines/").json()
    assert data["count"] == 6
    assert data["results"][0]["evidence"]["origin"] == "https://leak.example"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "state"),
    [
        ("/api/security/quarantines/", "bogus"),
        ("/api/security/quarantines/", "resolved"),
        ("/api/security/flags/", "released"),
    ],
)
def test_unknown_state_filter_is_a_400_naming_it(program, program_staff, url, state):
    bad = client_for(program_staff).get(url, {"state": state})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "state"


@pytest.mark.django_db
def test_released_quarantines_are_listed_by_state(artist, program_staff):
    from program.access.services import token_release

    token_release(quarantine=_quarantined(artist), actor=program_staff, reason="Was me")
    client = client_for(program_staff)
    assert client.get("/api/security/quarantines/").json()["count"] == 0
    assert client.get("/api/security/quarantines/", {"state": "released"}).json()["count"] == 1


@pytest.mark.django_db
def test_release_restores_the_token_and_is_audited(artist, program_staff):
    quarantine = _quarantined(artist)
    client = client_for(program_staff)
    url = f"/api/security/quarantines/{quarantine.pk}/release/"
    assert client.post(url, {}, format="json").json()["error"]["param"] == "reason"
    response = client.post(url, {"reason": "Artist's own tool page"}, format="json")
    assert response.status_code == 200
    assert AccessToken.objects.get().status == AccessToken.Status.ACTIVE
    event = AuditEvent.objects.get(action="token.released")
    assert event.actor == program_staff and event.reason == "Artist's own tool page"
    assert client.post(url, {"reason": "again"}, format="json").status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["artist", "curator", "finance"])
def test_release_forbidden_for_non_program_staff(artist, role):
    quarantine = _quarantined(artist)
    user = artist.user if role == "artist" else make_staff(role)
    response = client_for(user).post(
        f"/api/security/quarantines/{quarantine.pk}/release/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert TokenQuarantine.objects.get().released_at is None


@pytest.mark.django_db
def test_flags_list_and_resolve(artist, program_staff, django_assert_max_num_queries):
    token = token_issue(tester=artist, name="t", scopes=["videos:read"]).token
    flag = security_flag_raise(token=token, kind="volume_spike", evidence={"x": 1})
    client = client_for(program_staff)
    with django_assert_max_num_queries(6):
        assert client.get("/api/security/flags/").json()["count"] == 1
    response = client.post(
        f"/api/security/flags/{flag.pk}/resolve/", {"resolution": "Batch job"}, format="json"
    )
    assert response.status_code == 200
    assert SecurityFlag.objects.get().resolved_by == program_staff
    assert client.get("/api/security/flags/").json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["artist", "curator", "finance"])
def test_flag_resolve_forbidden_for_non_program_staff(artist, role):
    token = token_issue(tester=artist, name="t", scopes=["videos:read"]).token
    flag = security_flag_raise(token=token, kind="volume_spike", evidence={})
    user = artist.user if role == "artist" else make_staff(role)
    response = client_for(user).post(
        f"/api/security/flags/{flag.pk}/resolve/", {"resolution": "x"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_settings_patch_changes_limits_for(program, program_staff):
    from program.access.limits import limits_for
    from program.models import Program

    client = client_for(program_staff)
    response = client.patch(
        "/api/security/settings/",
        {"requests_per_minute_per_token": 7, "origin_allowlist": ["https://tools.example.org"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["origin_allowlist"] == ["tools.example.org"]
    fresh = Program.objects.select_related("security").get(pk=program.pk)
    assert limits_for(fresh).requests_per_minute_per_token == 7
    assert AuditEvent.objects.filter(action="program.security_changed").exists()


@pytest.mark.django_db
def test_settings_patch_rejects_zero_naming_field(program, program_staff):
    response = client_for(program_staff).patch(
        "/api/security/settings/", {"spread_max_networks": 0}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "spread_max_networks"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ["not a host", "n\u00f74\u0014u\u00e4", "https://"])
def test_settings_patch_rejects_a_non_host_naming_the_allowlist(program, program_staff, entry):
    response = client_for(program_staff).patch(
        "/api/security/settings/",
        {"origin_allowlist": ["tools.example.org", entry]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "origin_allowlist"


@pytest.mark.django_db
def test_audit_date_filters_are_documented_as_dates(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    parameters = {p["name"]: p for p in schema["paths"]["/api/audit-events/"]["get"]["parameters"]}
    assert parameters["date_from"]["schema"] == {"type": "string", "format": "date"}
    assert parameters["date_to"]["schema"] == {"type": "string", "format": "date"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["artist", "curator", "finance"])
def test_settings_patch_forbidden_for_others(artist, role):
    user = artist.user if role == "artist" else make_staff(role)
    response = client_for(user).patch(
        "/api/security/settings/", {"spread_max_networks": 9}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["artist", "curator", "finance"])
def test_resume_forbidden_for_others(program, program_staff, artist, role):
    from program.access.pause import program_pause

    program_pause(program=program, actor=program_staff, reason="r")
    user = artist.user if role == "artist" else make_staff(role)
    assert client_for(user).post("/api/security/resume/", {}, format="json").status_code == 403


ALL_ROUTES = [
    ("get", "/api/tokens/"),
    ("post", "/api/tokens/"),
    ("get", "/api/tokens/1/"),
    ("delete", "/api/tokens/1/"),
    ("post", "/api/tokens/1/rotate/"),
    ("get", "/api/audit-events/"),
    ("get", "/api/security/quarantines/"),
    ("post", "/api/security/quarantines/1/release/"),
    ("get", "/api/security/flags/"),
    ("post", "/api/security/flags/1/resolve/"),
    ("get", "/api/security/settings/"),
    ("patch", "/api/security/settings/"),
    ("get", "/api/security/pauses/"),
    ("post", "/api/security/pause/"),
    ("post", "/api/security/resume/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ALL_ROUTES)
def test_every_route_refuses_anonymous(api_client, program, method, url):
    response = getattr(api_client, method)(url, {}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_pause_history_query_count(program, program_staff, django_assert_max_num_queries):
    from program.access.pause import program_pause, program_resume

    for _ in range(5):
        program_pause(program=program, actor=program_staff, reason="r")
        program_resume(program=program, actor=program_staff)
    with django_assert_max_num_queries(6):
        data = client_for(program_staff).get("/api/security/pauses/").json()
    assert data["count"] == 5
