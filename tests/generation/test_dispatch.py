"""Fair-share dispatch, pause holds, per-artist limits, queue position."""

import pytest
from django.utils import timezone

from atelier.celery import app
from generation import services
from generation.models import GenerationJob
from generation.selectors import queue_position
from program.models import Program
from tests.conftest import make_artist, token_for
from tests.generation.factories import JobFactory

Status = GenerationJob.Status


def dispatched():
    return list(
        GenerationJob.objects.filter(dispatched_at__isnull=False, status=Status.QUEUED)
        .order_by("dispatched_at", "pk")
        .values_list("tester_id", flat=True)
    )


def finish(job_id, seconds=10.0):
    GenerationJob.objects.filter(pk=job_id).update(
        status=Status.COMPLETED, started_at=timezone.now(), gpu_seconds=seconds
    )


def test_another_artists_job_starts_next_despite_a_flood(artist, other_artist, settings):
    settings.GENERATION_GPU_SLOTS = 1
    flood = JobFactory.create_batch(50, tester=artist)
    [first] = services._dispatch_choose()
    assert first == flood[0].pk
    late = JobFactory(tester=other_artist)
    assert services._dispatch_choose() == []  # the one slot is taken
    finish(first)
    assert services._dispatch_choose() == [late.pk]


def test_fewest_running_wins_when_slots_free(artist, other_artist, settings):
    settings.GENERATION_GPU_SLOTS = 2
    JobFactory.create_batch(50, tester=artist)
    JobFactory(tester=other_artist)
    services._dispatch_choose()
    assert sorted(dispatched()) == sorted([artist.pk, other_artist.pk])


def test_per_artist_concurrency_limit(artist, settings):
    settings.GENERATION_GPU_SLOTS = 5
    settings.ATELIER_MAX_CONCURRENT_JOBS = 2
    JobFactory.create_batch(5, tester=artist)
    assert len(services._dispatch_choose()) == 2


def test_per_token_concurrency_limit(artist, settings):
    from program.access.models import AccessToken

    settings.GENERATION_GPU_SLOTS = 5
    settings.ATELIER_MAX_CONCURRENT_JOBS = 1
    token_for(artist)
    token = AccessToken.objects.get(tester=artist)
    JobFactory.create_batch(3, tester=artist, token=token)
    assert len(services._dispatch_choose()) == 1


def test_paused_program_holds_jobs_until_resume(artist, program, settings):
    settings.GENERATION_GPU_SLOTS = 1
    job = JobFactory(tester=artist)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.PAUSED)
    assert services._dispatch_choose() == []
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    assert services._dispatch_choose() == [job.pk]


def test_claim_refused_while_paused_and_job_goes_back(artist, program):
    job = JobFactory(tester=artist, dispatched_at=timezone.now())
    Program.objects.filter(pk=program.pk).update(status=Program.Status.PAUSED)
    assert services.job_claim(job_id=job.pk, worker="w:1") is None
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.dispatched_at is None


def test_dispatch_task_is_registered_by_name():
    import generation.tasks  # noqa: F401

    assert "generation.dispatch" in app.tasks
    assert app.tasks["generation.run_job"].acks_late is True
    assert app.tasks["generation.run_job"].reject_on_worker_lost is True


def test_dispatch_task_runs_dispatch(
    artist, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from generation.tasks import dispatch

    settings.GENERATION_GPU_SLOTS = 1
    job = JobFactory(tester=artist)
    sent = []
    monkeypatch.setattr(services, "_send_run", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch() == [job.pk]
    assert sent == [job.pk]


def test_queue_position_counts_fair_share(artist, other_artist, program):
    third = make_artist(program)
    mine = JobFactory.create_batch(3, tester=artist)
    JobFactory.create_batch(5, tester=other_artist)
    JobFactory(tester=third)
    # Round robin: my 3rd job waits behind my 2 earlier ones, 3 of other_artist's, 1 of third's.
    assert queue_position(job=mine[2]) == 2 + 3 + 1
    assert queue_position(job=mine[0]) == 0 + 1 + 1


def test_worker_settings_are_safe_for_gpu():
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_TASK_ROUTES["generation.run_job"]["queue"] == "gpu"


@pytest.mark.parametrize("family", ["ltx", "wan"])
def test_tiny_model_loads_offline_with_diffusion_pipeline(tmp_path, family, monkeypatch):
    from diffusers import DiffusionPipeline

    from generation.registry import FAMILY_BY_NAME
    from generation.tiny import build_tiny_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = build_tiny_model(tmp_path / family, family=family)
    pipe = DiffusionPipeline.from_pretrained(str(path))
    assert type(pipe).__name__ == FAMILY_BY_NAME[family].pipeline_class
    assert pipe.tokenizer("a red cat").input_ids[-1] == pipe.tokenizer.eos_token_id


def test_new_job_is_kept_and_stays_queued_when_the_broker_refuses_it(
    artist, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from tests.conftest import bearer

    settings.GENERATION_GPU_SLOTS = 1

    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = bearer(token_for(artist)).post(
            "/v1/videos", {"prompt": "a kept job", "size": "64x64"}, format="json"
        )
    assert response.status_code == 200
    job = GenerationJob.objects.get()
    assert (job.status, job.dispatched_at) == (Status.QUEUED, None)

    sent = []
    monkeypatch.setattr(services, "_send_run", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.jobs_dispatch()
    assert sent == [job.pk]


def test_beat_dispatches_periodically(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["generation-dispatch"]
    assert entry["task"] == "generation.dispatch"
    assert entry["schedule"] == settings.GENERATION_DISPATCH_INTERVAL


def test_new_job_with_every_slot_busy_costs_one_query_and_waits_for_the_next_free_slot(
    artist, other_artist, settings, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.GENERATION_GPU_SLOTS = 1
    running = JobFactory(tester=other_artist, status=Status.IN_PROGRESS)
    waiting = JobFactory(tester=artist)
    sent = []
    monkeypatch.setattr(services, "_send_run", sent.append)
    with CaptureQueriesContext(connection) as queries:
        services.jobs_dispatch_after_commit()
    assert len(queries) == 1 and sent == []
    finish(running.pk)
    assert services._dispatch_choose() == [waiting.pk]


def test_start_estimate_average_is_kept_briefly_per_process(artist, settings):
    from django.core.cache import cache

    from generation.selectors import DEFAULT_JOB_SECONDS, average_job_seconds

    settings.GENERATION_ESTIMATE_CACHE_SECONDS = 30
    assert average_job_seconds(model="tiny-ltx") == DEFAULT_JOB_SECONDS
    JobFactory(
        tester=artist,
        model="tiny-ltx",
        status=Status.COMPLETED,
        gpu_seconds=7.0,
        finished_at=timezone.now(),
    )
    assert average_job_seconds(model="tiny-ltx") == DEFAULT_JOB_SECONDS  # still the kept value
    cache.clear()  # the kept value expires
    assert average_job_seconds(model="tiny-ltx") == 7.0
