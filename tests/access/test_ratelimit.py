import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.access import ratelimit, token_format
from program.access.services import program_security_update
from tests.conftest import bearer, token_for


def _limit(program, **values):
    program_security_update(program=program, actor=None, **values)


@pytest.mark.django_db
def test_token_over_its_minute_limit_gets_429_with_retry_after(artist):
    _limit(artist.program, requests_per_minute_per_token=3)
    client = bearer(token_for(artist))
    assert [client.get("/api/me/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/me/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert "3 requests per minute per token" in error["message"]


@pytest.mark.django_db
def test_tester_limit_counts_all_their_tokens(artist):
    _limit(artist.program, requests_per_minute_per_tester=4)
    first, second = bearer(token_for(artist)), bearer(token_for(artist))
    for _ in range(2):
        assert first.get("/api/me/").status_code == 200
        assert second.get("/api/me/").status_code == 200
    response = second.get("/api/me/")
    assert response.status_code == 429
    assert "per tester" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_limited_tester_does_not_limit_others(artist, other_artist):
    _limit(artist.program, requests_per_minute_per_token=1)
    noisy = bearer(token_for(artist))
    noisy.get("/api/me/")
    assert noisy.get("/api/me/").status_code == 429
    assert bearer(token_for(other_artist)).get("/api/me/").status_code == 200


@pytest.mark.django_db
def test_database_counter_is_one_atomic_statement_per_request(settings):
    settings.REDIS_URL = ""
    window = ratelimit.current_window(1_000_000.0)
    with CaptureQueriesContext(connection) as queries:
        counts = ratelimit.counters_increment(["a", "b"], window=window)
    assert counts == {"a": 1, "b": 1}
    assert len(queries.captured_queries) == 1
    assert ratelimit.counters_increment(["a"], window=window) == {"a": 2}
    next_window = ratelimit.current_window(1_000_060.0)
    assert ratelimit.counters_increment(["a"], window=next_window) == {"a": 1}


def _redis_url():
    import redis

    url = "redis://127.0.0.1:6379/1"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return None
    return url


@pytest.mark.django_db
def test_redis_counters_when_configured(settings, artist):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = url
    window = ratelimit.current_window()
    key = f"test:{token_format.generate()[:12]}"
    assert ratelimit.counters_increment([key], window=window) == {key: 1}
    assert ratelimit.counters_increment([key], window=window) == {key: 2}
    _limit(artist.program, requests_per_minute_per_token=2)
    client = bearer(token_for(artist))
    assert [client.get("/api/me/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_storm_of_bad_checksums_never_reaches_the_database(artist):
    good = bearer(token_for(artist))
    forged = [token_format.generate()[:-6] + "AAAAAA" for _ in range(200)]
    with CaptureQueriesContext(connection) as queries:
        statuses = {bearer(secret).get("/api/me/").status_code for secret in forged}
    assert statuses == {401}
    assert queries.captured_queries == []
    assert good.get("/api/me/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_usage_and_counters_recorded_together_outside_transactions(artist, settings):
    """Outside a transaction (real requests) Postgres takes the one-round-trip path."""
    from django.utils import timezone

    from program.access.lookup import usage_record_and_count
    from program.access.models import AccessToken, TokenUsage

    settings.REDIS_URL = ""
    token_for(artist)
    token = AccessToken.objects.get()
    window = ratelimit.current_window()
    usage = {
        "token_id": token.pk,
        "tester_id": artist.pk,
        "ip_address": "192.0.2.1",
        "network": "192.0.2.0/24",
        "method": "GET",
        "route": "api/me/",
        "user_agent": "t",
        "origin": "",
        "referer": "",
    }
    for expected in (1, 2):
        counts = usage_record_and_count(
            {**usage, "created_at": timezone.now()}, ["x", "y"], window=window
        )
        assert counts == {"x": expected, "y": expected}
    assert TokenUsage.objects.filter(token=token).count() == 2


@pytest.mark.django_db
def test_counters_fall_back_to_the_database_when_redis_is_down(settings, artist):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    window = ratelimit.current_window()
    assert ratelimit.counters_increment(["down"], window=window) == {"down": 1}
    assert ratelimit.counters_increment(["down"], window=window) == {"down": 2}
    assert bearer(token_for(artist)).get("/api/me/").status_code == 200
