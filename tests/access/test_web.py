import pytest
from django.test import Client

from program.access.models import AccessToken, AuditEvent, TokenQuarantine
from program.access.services import token_issue, token_quarantine
from program.models import Program
from tests.conftest import bearer, make_staff, token_for


def web(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _quarantined(tester):
    token = token_issue(tester=tester, name="leaky", scopes=["videos:read"]).token
    return token_quarantine(
        token=token,
        rule="spread",
        evidence={
            "window_minutes": 60,
            "max_networks": 4,
            "networks": [
                {
                    "network": f"198.51.{i}.0/24",
                    "requests": 2,
                    "first_seen": "t0",
                    "last_seen": "t1",
                }
                for i in range(5)
            ],
        },
    )


PORTAL_GET = ["/portal/tokens/"]
STAFF_GET = ["/staff/security/", "/staff/security/settings/", "/staff/security/audit/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PORTAL_GET + STAFF_GET)
def test_anonymous_is_sent_to_login(client, program, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_GET)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("artist", 403), ("curator", 403), ("finance", 403), ("program_staff", 200), ("admin", 200)],
)
def test_staff_security_pages_authorization(artist, url, role, expected):
    user = artist.user if role == "artist" else make_staff(role)
    assert web(user).get(url).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [("curator", 403), ("finance", 403)])
def test_portal_tokens_is_for_artists(program, role, expected):
    assert web(make_staff(role)).get("/portal/tokens/").status_code == expected


@pytest.mark.django_db
def test_create_token_shows_the_secret_once(artist):
    client = web(artist.user)
    response = client.post(
        "/portal/tokens/",
        {"name": "laptop", "scopes": ["videos:read", "videos:write"], "expires_in_days": 30},
    )
    assert response.status_code == 201
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get("/portal/tokens/").content.decode()
    assert bearer(secret).get("/api/me/").status_code == 200


@pytest.mark.django_db
def test_resending_the_create_form_makes_no_second_token(artist):
    client = web(artist.user)
    once = client.get("/portal/tokens/").context["form_once"]
    data = {"name": "laptop", "scopes": ["videos:read"], "expires_in_days": 30, "once": once}
    assert client.post("/portal/tokens/", data).status_code == 201

    again = client.post("/portal/tokens/", data)  # the browser's reload of the result page

    assert again.status_code == 302
    assert AccessToken.objects.filter(tester=artist).count() == 1


@pytest.mark.django_db
def test_create_without_scopes_shows_the_error(artist):
    response = web(artist.user).post("/portal/tokens/", {"name": "x", "expires_in_days": 3})
    assert response.status_code == 400
    assert "scopes" in response.context["form"].errors


@pytest.mark.django_db
def test_rotate_and_revoke_on_the_web(artist):
    old = token_for(artist)
    token = AccessToken.objects.get()
    client = web(artist.user)
    response = client.post(f"/portal/tokens/{token.pk}/rotate/")
    assert response.status_code == 201
    new = response.context["issued"]
    assert bearer(old).get("/api/me/").status_code == 401
    client.post(f"/portal/tokens/{new.token.pk}/revoke/")
    assert bearer(new.secret).get("/api/me/").status_code == 401


@pytest.mark.django_db
def test_other_artist_cannot_rotate_or_revoke_my_token(artist, other_artist):
    token_for(artist)
    token = AccessToken.objects.get()
    client = web(other_artist.user)
    assert client.post(f"/portal/tokens/{token.pk}/rotate/").status_code == 404
    assert client.post(f"/portal/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.status == AccessToken.Status.ACTIVE


@pytest.mark.django_db
def test_tokens_page_shows_quarantine_evidence_and_own_audit(artist, other_artist):
    _quarantined(artist)
    token_for(other_artist)
    page = web(artist.user).get("/portal/tokens/").content.decode()
    assert "is quarantined" in page and "198.51.4.0/24" in page
    assert "token.quarantined" in page
    assert other_artist.display_name not in page


@pytest.mark.django_db
def test_dashboard_panel_warns_about_quarantine(artist):
    _quarantined(artist)
    page = web(artist.user).get("/portal/").content.decode()
    assert "1 token quarantined" in page


@pytest.mark.django_db
def test_staff_security_view_lists_and_releases(artist, program_staff):
    quarantine = _quarantined(artist)
    client = web(program_staff)
    page = client.get("/staff/security/").content.decode()
    assert quarantine.token.prefix in page and artist.display_name in page
    client.post(f"/staff/security/quarantines/{quarantine.pk}/release/", {"reason": "Mine"})
    assert TokenQuarantine.objects.get().released_by == program_staff
    assert AccessToken.objects.get().status == AccessToken.Status.ACTIVE


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["artist", "curator", "finance"])
def test_staff_posts_forbidden_for_others(artist, program_staff, role):
    quarantine = _quarantined(artist)
    user = artist.user if role == "artist" else make_staff(role)
    client = web(user)
    assert (
        client.post(
            f"/staff/security/quarantines/{quarantine.pk}/release/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert client.post("/staff/security/pause/", {"reason": "x"}).status_code == 403
    assert client.post("/staff/security/resume/").status_code == 403
    assert client.post("/staff/security/flags/1/resolve/", {"resolution": "x"}).status_code == 403


@pytest.mark.django_db
def test_pause_and_resume_on_the_web(program, program_staff, artist):
    client = web(program_staff)
    client.post("/staff/security/pause/", {"reason": "Looking into a leak"})
    program.refresh_from_db()
    assert program.status == Program.Status.PAUSED
    assert "Looking into a leak" in web(artist.user).get("/portal/").content.decode()
    client.post("/staff/security/resume/")
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE


@pytest.mark.django_db
def test_settings_form_saves(program, program_staff):
    from program.access.limits import security_defaults

    data = {**security_defaults(), "origin_allowlist": "tools.example.org\n*.studio.example"}
    data["quarantine_on_origin"] = "on"
    data["spread_max_networks"] = 6
    response = web(program_staff).post("/staff/security/settings/", data)
    assert response.status_code == 302
    program.security.refresh_from_db()
    assert program.security.spread_max_networks == 6
    assert program.security.origin_allowlist == ["tools.example.org", "*.studio.example"]


@pytest.mark.django_db
def test_settings_form_rejects_bad_host(program, program_staff):
    from program.access.limits import security_defaults

    data = {**security_defaults(), "origin_allowlist": "not a host"}
    response = web(program_staff).post("/staff/security/settings/", data)
    assert response.status_code == 400
    assert "origin_allowlist" in response.context["form"].errors


@pytest.mark.django_db
def test_audit_page_filters(program, program_staff, artist, other_artist):
    token_for(artist)
    token_for(other_artist)
    page = web(program_staff).get("/staff/security/audit/", {"tester": artist.user.email})
    assert page.status_code == 200
    assert list(page.context["page"]) == list(
        AuditEvent.objects.filter(subject_tester=artist).order_by("-created_at", "-id")
    )


@pytest.mark.django_db
def test_staff_resolves_a_flag_on_the_web(artist, program_staff):
    from program.access.models import SecurityFlag
    from program.access.services import security_flag_raise

    token = token_issue(tester=artist, name="t", scopes=["videos:read"]).token
    flag = security_flag_raise(token=token, kind="volume_spike", evidence={})
    web(program_staff).post(f"/staff/security/flags/{flag.pk}/resolve/", {"resolution": "Batch"})
    assert SecurityFlag.objects.get().resolution == "Batch"
