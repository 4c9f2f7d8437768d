import pytest

from program.access.detection import is_foreign_origin
from program.access.models import (
    AccessToken,
    AuditEvent,
    SecurityFlag,
    TokenQuarantine,
    TokenUsage,
)
from program.access.network import network_of
from program.models import Notification
from tests.access.conftest import from_ip
from tests.conftest import bearer, make_artist, token_for


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not-an-ip", ""),
        (None, ""),
    ],
)
def test_network_of_groups_v4_by_24_and_v6_by_48(ip, network):
    assert network_of(ip) == network


@pytest.mark.parametrize(
    ("origin", "fetch_site", "referer", "foreign"),
    [
        ("", "", "", False),  # a CLI or server
        ("https://evil.example", "", "", True),
        ("https://tools.partner.example", "", "", False),  # allowlisted
        ("https://a.studio.example", "", "", False),  # wildcard allowlist
        ("null", "", "", True),  # sandboxed page or file://
        ("", "cross-site", "https://leak.example/page", True),
        ("", "cross-site", "https://tools.partner.example/x", False),
        ("", "same-origin", "", False),
        ("https://atelier.test", "", "", False),  # our own site
    ],
)
def test_foreign_origin_rule(origin, fetch_site, referer, foreign):
    assert (
        is_foreign_origin(
            origin=origin,
            fetch_site=fetch_site,
            referer=referer,
            allowlist=["tools.partner.example", "*.studio.example"],
            own_host="atelier.test",
        )
        is foreign
    )


@pytest.mark.django_db
def test_usage_row_recorded_without_the_token(artist, proxied):
    secret = token_for(artist)
    response = bearer(secret).get(
        "/api/me/",
        HTTP_USER_AGENT="curl/8",
        HTTP_REFERER="https://docs.example/",
        **from_ip("198.51.100.7"),
    )
    assert response.status_code == 200
    usage = TokenUsage.objects.get()
    assert (usage.ip_address, usage.network) == ("198.51.100.7", "198.51.100.0/24")
    assert (usage.user_agent, usage.referer, usage.route) == (
        "curl/8",
        "https://docs.example/",
        "api/me/",
    )
    stored = " ".join(str(v) for v in TokenUsage.objects.values_list().get())
    assert secret not in stored and secret[4:] not in stored


@pytest.mark.django_db
def test_foreign_origin_quarantines_at_first_request(artist):
    secret = token_for(artist)
    response = bearer(secret).get("/api/me/", HTTP_ORIGIN="https://leak.example")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_quarantined"
    token = AccessToken.objects.get()
    assert token.status == AccessToken.Status.QUARANTINED
    quarantine = TokenQuarantine.objects.get()
    assert quarantine.rule == "origin"
    assert quarantine.evidence["origin"] == "https://leak.example"


@pytest.mark.django_db
def test_quarantine_tells_the_owner_with_evidence_and_audits(artist):
    secret = token_for(artist)
    bearer(secret).get("/api/me/", HTTP_ORIGIN="https://leak.example")
    notice = Notification.objects.get(user=artist.user)
    assert notice.kind == "security.token_quarantined"
    assert "https://leak.example" in notice.body
    assert AuditEvent.objects.filter(action="token.quarantined", subject_tester=artist).exists()


@pytest.mark.django_db
def test_allowlisted_origin_is_not_quarantined(artist, settings):
    from program.access.services import program_security_update

    program_security_update(
        program=artist.program, actor=None, origin_allowlist=["tools.partner.example"]
    )
    secret = token_for(artist)
    response = bearer(secret).get("/api/me/", HTTP_ORIGIN="https://tools.partner.example")
    assert response.status_code == 200


@pytest.mark.django_db
def test_origin_rule_can_be_turned_off_per_program(artist):
    from program.access.services import program_security_update

    program_security_update(program=artist.program, actor=None, quarantine_on_origin=False)
    secret = token_for(artist)
    assert bearer(secret).get("/api/me/", HTTP_ORIGIN="https://x.example").status_code == 200


@pytest.mark.django_db
def test_spread_over_five_networks_quarantines_on_the_fifth(artist, proxied):
    client = bearer(token_for(artist))
    for index in range(4):
        assert client.get("/api/me/", **from_ip(f"198.51.{index}.10")).status_code == 200
    response = client.get("/api/me/", **from_ip("198.51.99.10"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_quarantined"
    evidence = TokenQuarantine.objects.get().evidence
    assert len(evidence["networks"]) == 5


@pytest.mark.django_db
def test_same_network_many_addresses_is_not_spread(artist, proxied):
    client = bearer(token_for(artist))
    for host in range(1, 12):
        assert client.get("/api/me/", **from_ip(f"198.51.100.{host}")).status_code == 200
    assert not TokenQuarantine.objects.exists()


@pytest.mark.django_db
def test_quarantine_touches_no_other_token(artist, other_artist):
    leaked = token_for(artist)
    same_owner_other = token_for(artist)
    someone_else = token_for(other_artist)
    bearer(leaked).get("/api/me/", HTTP_ORIGIN="https://leak.example")
    assert bearer(same_owner_other).get("/api/me/").status_code == 200
    assert bearer(someone_else).get("/api/me/").status_code == 200


@pytest.mark.django_db
def test_volume_spike_flags_for_review_without_blocking(artist):
    from program.access.services import program_security_update

    program_security_update(program=artist.program, actor=None, spike_min_per_minute=5)
    client = bearer(token_for(artist))
    statuses = [client.get("/api/me/").status_code for _ in range(6)]
    assert statuses == [200] * 6
    flag = SecurityFlag.objects.get()
    assert flag.kind == "volume_spike" and flag.evidence["requests_this_minute"] == 5
    assert AccessToken.objects.get().status == AccessToken.Status.ACTIVE


@pytest.mark.django_db
def test_spike_not_flagged_when_usual_rate_is_as_high(artist):
    import datetime

    from django.utils import timezone

    from program.access.models import TokenUsage
    from program.access.services import program_security_update

    program_security_update(program=artist.program, actor=None, spike_min_per_minute=5)
    old = token_for(artist)
    token = AccessToken.objects.get()
    start = timezone.now() - datetime.timedelta(days=2)
    TokenUsage.objects.bulk_create(
        TokenUsage(
            token=token, tester=artist, created_at=start + datetime.timedelta(seconds=s % 60)
        )
        for s in range(60)
    )
    for _ in range(6):
        bearer(old).get("/api/me/")
    assert not SecurityFlag.objects.exists()


@pytest.mark.django_db
def test_other_artist_unaffected_by_spread(artist, proxied, program):
    victim = make_artist(program)
    leaked = bearer(token_for(artist))
    for index in range(5):
        leaked.get("/api/me/", **from_ip(f"203.0.{index}.1"))
    assert bearer(token_for(victim)).get("/api/me/", **from_ip("203.0.1.1")).status_code == 200


@pytest.mark.django_db
def test_spread_is_counted_once_per_network_and_minute(artist, proxied):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = bearer(token_for(artist))
    with CaptureQueriesContext(connection) as queries:
        for index in range(10):  # a dual-stack client switching address families
            ip = "198.51.100.7" if index % 2 else "2001:db8:1::7"
            assert client.get("/api/me/", **from_ip(ip)).status_code == 200
    counts = [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(counts) == 2
