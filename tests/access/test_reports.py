import time

import pytest

from program.access import token_format
from program.access.models import AccessToken, AuditEvent
from program.access.services import token_revoke
from program.models import Notification
from tests.access.conftest import signed_report
from tests.conftest import bearer, token_for

URL = "/api/security/token-reports"


def post(client, body, meta):
    return client.post(URL, data=body, content_type="application/json", **meta)


@pytest.mark.django_db
def test_valid_report_revokes_the_live_token_at_once(client, artist, report_secret):
    secret = token_for(artist)
    body, meta = signed_report([{"token": secret, "url": "https://paste.example/abc"}])
    response = post(client, body, meta)
    assert response.status_code == 200, response.json()
    assert response.json()["results"] == [
        {
            "token_prefix": secret[: token_format.DISPLAY_PREFIX_LENGTH],
            "url": "https://paste.example/abc",
            "result": "revoked",
        }
    ]
    assert AccessToken.objects.get().status == AccessToken.Status.REVOKED
    assert bearer(secret).get("/api/me/").json()["error"]["code"] == "token_revoked"


@pytest.mark.django_db
def test_report_answers_unknown_and_inactive_without_owners(client, artist, report_secret):
    revoked = token_for(artist)
    token_revoke(token=AccessToken.objects.get(), reason="old")
    body, meta = signed_report(
        [
            {"token": revoked, "url": "https://a.example"},
            {"token": token_format.generate(), "url": "https://b.example"},
            {"token": "atl_nonsense", "url": "https://c.example"},
        ]
    )
    data = post(client, body, meta).json()
    assert [r["result"] for r in data["results"]] == ["already_inactive", "unknown", "unknown"]
    assert (data["revoked"], data["unknown"], data["already_inactive"]) == (0, 2, 1)
    text = str(data)
    assert artist.user.email not in text and artist.display_name not in text


@pytest.mark.django_db
def test_reported_owner_is_told_and_the_revocation_is_audited(client, artist, report_secret):
    body, meta = signed_report([{"token": token_for(artist), "url": "https://leak.example/x"}])
    post(client, body, meta)
    assert Notification.objects.get(user=artist.user).kind == "security.token_reported"
    event = AuditEvent.objects.get(action="token.revoked")
    assert event.actor_label == "secret-scanning report"
    assert event.data["url"] == "https://leak.example/x"


@pytest.mark.django_db
def test_bad_signature_is_refused_and_revokes_nothing(client, artist, report_secret):
    body, meta = signed_report(
        [{"token": token_for(artist), "url": "https://x.example"}], secret="wrong-secret"
    )
    response = post(client, body, meta)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_invalid"
    assert AccessToken.objects.get().status == AccessToken.Status.ACTIVE


@pytest.mark.django_db
def test_tampered_body_fails_the_signature(client, artist, report_secret):
    body, meta = signed_report([{"token": token_for(artist), "url": "https://x.example"}])
    response = post(client, body.replace(b"x.example", b"y.example"), meta)
    assert response.status_code == 401


@pytest.mark.django_db
def test_replayed_delivery_is_refused(client, artist, report_secret):
    body, meta = signed_report([{"token": token_for(artist), "url": "https://x.example"}])
    assert post(client, body, meta).status_code == 200
    response = post(client, body, meta)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "replayed"


@pytest.mark.django_db
def test_stale_timestamp_is_refused(client, artist, report_secret):
    body, meta = signed_report(
        [{"token": token_for(artist), "url": "https://x.example"}],
        timestamp=int(time.time()) - 3600,
    )
    response = post(client, body, meta)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "timestamp_out_of_range"


@pytest.mark.django_db
def test_missing_signature_headers(client, report_secret):
    response = client.post(URL, data=b"[]", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_missing"


@pytest.mark.django_db
def test_item_without_url_names_the_field(client, artist, report_secret):
    body, meta = signed_report([{"token": token_for(artist)}])
    response = post(client, body, meta)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "tokens[0].url"


@pytest.mark.django_db
def test_without_a_configured_secret_no_report_is_authenticated(client, settings):
    settings.ATELIER_TOKEN_REPORT_SECRET = ""
    body, meta = signed_report([{"token": "atl_x", "url": "https://x.example"}])
    response = post(client, body, meta)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "reports_not_configured"
