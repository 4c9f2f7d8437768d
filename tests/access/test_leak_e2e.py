"""The leak scenario end to end, through a real HTTP server (pytest-django's live_server)."""

import pytest
import requests

from program.access.models import AccessToken, TokenQuarantine
from program.models import Notification
from tests.conftest import make_artist, token_for

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def call(base: str, secret: str, *, ip: str = "192.0.2.50", **headers) -> requests.Response:
    return requests.get(
        f"{base}/api/me/",
        headers={"Authorization": f"Bearer {secret}", "X-Forwarded-For": ip, **headers},
        timeout=10,
    )


def code(response: requests.Response) -> str | None:
    return response.json().get("error", {}).get("code")


@pytest.fixture
def scene(live_server, settings, program):
    settings.ATELIER_TRUSTED_PROXIES = 1
    owner, bystander = make_artist(program), make_artist(program)
    return live_server.url, owner, bystander


def test_token_used_from_five_networks_is_quarantined_others_keep_working(scene):
    base, owner, bystander = scene
    leaked, mine, theirs = token_for(owner), token_for(owner), token_for(bystander)
    for index in range(4):
        assert call(base, leaked, ip=f"198.51.{index}.10").status_code == 200
        assert call(base, theirs, ip="203.0.113.9").status_code == 200
    fifth = call(base, leaked, ip="198.51.77.10")
    assert (fifth.status_code, code(fifth)) == (403, "token_quarantined")
    assert code(call(base, leaked, ip="198.51.0.10")) == "token_quarantined"
    assert call(base, theirs, ip="203.0.113.9").status_code == 200
    assert call(base, mine, ip="192.0.2.50").status_code == 200
    quarantine = TokenQuarantine.objects.get()
    assert quarantine.rule == "spread" and len(quarantine.evidence["networks"]) == 5
    assert Notification.objects.filter(user=owner.user, kind="security.token_quarantined").exists()


def test_foreign_origin_is_quarantined_at_its_first_request(scene):
    base, owner, bystander = scene
    leaked, theirs = token_for(owner), token_for(bystander)
    first = call(base, leaked, Origin="https://protest-page.example")
    assert (first.status_code, code(first)) == (403, "token_quarantined")
    assert AccessToken.objects.get(status="quarantined").tester == owner
    assert call(base, theirs).status_code == 200
    assert call(base, theirs, ip="198.51.100.1").status_code == 200


def test_owner_mints_a_new_token_and_works_again(scene):
    base, owner, _ = scene
    leaked = token_for(owner)
    assert code(call(base, leaked, Origin="https://leak.example")) == "token_quarantined"

    browser = requests.Session()
    browser.get(f"{base}/login/", timeout=10)
    signed_in = browser.post(
        f"{base}/login/",
        data={
            "username": owner.user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert signed_in.ok and "sessionid" in browser.cookies
    page = browser.get(f"{base}/portal/tokens/", timeout=10).text
    assert "is quarantined" in page and "leak.example" in page
    created = browser.post(
        f"{base}/api/tokens/",
        json={"name": "replacement", "scopes": ["videos:read"]},
        headers={"X-CSRFToken": browser.cookies["csrftoken"]},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    fresh = created.json()["secret"]
    response = call(base, fresh)
    assert response.status_code == 200 and response.json()["email"] == owner.user.email
    assert code(call(base, leaked)) == "token_quarantined"
