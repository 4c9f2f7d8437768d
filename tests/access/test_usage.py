import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from program.access.limits import Limits, limits_for
from program.access.models import AccessToken, RateCounter, TokenUsage, TokenUsageDaily
from program.access.usage import token_usage_prune
from tests.conftest import token_for


def _usage(token, *, days_ago: float, network="198.51.100.0/24", origin=""):
    return TokenUsage.objects.create(
        token=token,
        tester=token.tester,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        network=network,
        origin=origin,
    )


@pytest.mark.django_db
def test_prune_folds_old_rows_into_daily_aggregates(artist):
    token_for(artist)
    token = AccessToken.objects.get()
    for network in ("198.51.100.0/24", "203.0.113.0/24", "203.0.113.0/24"):
        _usage(token, days_ago=40, network=network, origin="https://x" if "203" in network else "")
    recent = _usage(token, days_ago=1)
    result = token_usage_prune()
    assert result["folded"] == 3 and result["deleted"] == 3
    daily = TokenUsageDaily.objects.get()
    assert (daily.requests, daily.networks, daily.origins) == (3, 2, 2)
    assert list(TokenUsage.objects.all()) == [recent]


@pytest.mark.django_db
def test_prune_is_idempotent(artist):
    token_for(artist)
    token = AccessToken.objects.get()
    _usage(token, days_ago=40)
    token_usage_prune()
    token_usage_prune()
    assert TokenUsageDaily.objects.get().requests == 1


@pytest.mark.django_db
def test_prune_drops_finished_rate_windows():
    RateCounter.objects.create(
        key="tok:1:1", count=3, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert token_usage_prune()["counters"] == 1
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_prune_command_and_task(artist, capsys):
    from program.access.tasks import prune_token_usage

    token_for(artist)
    _usage(AccessToken.objects.get(), days_ago=31)
    call_command("prune_token_usage")
    assert "Folded 1 usage rows" in capsys.readouterr().out
    assert prune_token_usage()["folded"] == 0


def test_beat_schedule_runs_the_prune_task(settings):
    from atelier.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["access-prune-token-usage"]
    assert entry["task"] == "access.prune_token_usage"
    app.loader.import_default_modules()
    assert "access.prune_token_usage" in app.tasks


@pytest.mark.django_db
def test_limits_for_uses_defaults_then_program_settings(program, settings):
    from program.access.services import program_security_update

    assert limits_for(program).requests_per_minute_per_token == settings.ATELIER_RATE_PER_MINUTE
    program_security_update(
        program=program,
        actor=None,
        max_concurrent_jobs_per_tester=5,
        gpu_seconds_per_day_per_token=9,
    )
    program.refresh_from_db()
    limits = limits_for(program)
    assert isinstance(limits, Limits)
    assert (limits.max_concurrent_jobs_per_tester, limits.gpu_seconds_per_day_per_token) == (5, 9)
