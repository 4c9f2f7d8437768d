"""The worker's job run, in-process on the tiny model (CPU): outputs, claim, cancel, OOM."""

import io
from pathlib import Path

import av
import pytest
from django.core.management import call_command

from generation import runner, services
from generation.models import GenerationJob
from generation.provenance import provenance_read
from tests.generation.factories import JobFactory

Status = GenerationJob.Status


@pytest.fixture
def job(artist):
    return JobFactory(tester=artist)


def test_run_writes_three_outputs_with_provenance(job):
    assert runner.job_run(job.pk) == "completed"
    job.refresh_from_db()
    assert job.status == Status.COMPLETED and job.progress == 100
    assert job.worker_id == services.worker_name() and job.attempts == 1
    assert job.gpu_seconds >= job.pipeline_seconds > 0
    with av.open(job.video.path) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == job.num_frames
    assert (frames[0].width, frames[0].height) == (64, 64)
    tag = provenance_read(Path(job.video.path))
    assert tag == {
        "atelier_job": job.public_id,
        "model": "tiny-ltx",
        "seed": job.seed,
        "prompt_sha256": services.prompt_hash(job.prompt),
    }
    assert Path(job.thumbnail.path).read_bytes()[8:12] == b"WEBP"
    assert Path(job.spritesheet.path).read_bytes()[:2] == b"\xff\xd8"


def test_same_seed_gives_same_video(artist):
    first, second = JobFactory(tester=artist, seed=5), JobFactory(tester=artist, seed=5)
    runner.job_run(first.pk)
    runner.job_run(second.pk)
    first.refresh_from_db()
    second.refresh_from_db()

    def pixels(job):
        with av.open(job.video.path) as container:
            return [f.to_ndarray().tobytes() for f in container.decode(video=0)]

    assert pixels(first) == pixels(second)


def test_redelivered_message_never_runs_a_finished_job_again(job):
    assert runner.job_run(job.pk) == "completed"
    job.refresh_from_db()
    finished_at = job.finished_at
    assert runner.job_run(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1 and job.finished_at == finished_at


def test_claim_is_conditional(job):
    assert services.job_claim(job_id=job.pk, worker="a:1") is not None
    assert services.job_claim(job_id=job.pk, worker="b:2") is None


def test_cancel_requested_before_start_skips_the_pipeline(job):
    services.job_cancel(job=job)
    assert runner.job_run(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.status == Status.CANCELLED


def test_cancel_during_run_stops_before_decode(job, settings, monkeypatch):
    settings.GENERATION_PROGRESS_INTERVAL = 0
    job.prompt = "[[simulate:slow]] slow"
    job.num_inference_steps = 3
    job.save()

    original = services.job_progress_update

    def cancel_then_report(*, job, progress):
        GenerationJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        return original(job=job, progress=progress)

    monkeypatch.setattr(services, "job_progress_update", cancel_then_report)
    assert runner.job_run(job.pk) == "cancelled"
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and not job.video


def test_out_of_memory_fails_with_code(job):
    job.prompt = "[[simulate:oom]] huge"
    job.save()
    assert runner.job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error_code == "out_of_memory"
    again = JobFactory(tester=job.tester)
    assert runner.job_run(again.pk) == "completed"


def test_fault_prompts_are_inert_unless_enabled(job, settings):
    settings.GENERATION_FAULT_INJECTION = False
    job.prompt = "[[simulate:oom]] huge"
    job.save()
    assert runner.job_run(job.pk) == "completed"


def test_missing_model_fails_cleanly(job):
    GenerationJob.objects.filter(pk=job.pk).update(model="gone")
    assert runner.job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error_code == "generation_error"


def test_progress_is_written_at_most_every_interval(job, settings, monkeypatch):
    settings.GENERATION_PROGRESS_INTERVAL = 3600
    job.num_inference_steps = 6
    job.save()
    counted = []
    original = services.job_progress_update

    def counting(**kwargs):
        counted.append(kwargs["progress"])
        return original(**kwargs)

    monkeypatch.setattr(services, "job_progress_update", counting)
    runner.job_run(job.pk)
    assert counted == [0]  # only the start check; no step came 3600 s after the last write


def test_orphaned_job_of_dead_local_worker_is_requeued(job):
    GenerationJob.objects.filter(pk=job.pk).update(
        status=Status.IN_PROGRESS, worker_id=f"{services.worker_name().split(':')[0]}:999999"
    )
    assert services.jobs_recover_orphans() == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.worker_id == ""


def test_job_of_live_worker_is_left_alone(job):
    name = services.worker_name()
    services.worker_heartbeat(name=name)
    GenerationJob.objects.filter(pk=job.pk).update(status=Status.IN_PROGRESS, worker_id=name)
    assert services.jobs_recover_orphans() == []


def test_find_video_names_the_job(job, capsys):
    runner.job_run(job.pk)
    job.refresh_from_db()
    call_command("find_video", job.video.path)
    out = capsys.readouterr().out
    assert job.public_id in out and "matches" in out


def test_find_video_refuses_untagged_file(tmp_path):
    import numpy as np

    path = tmp_path / "plain.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=8)
        stream.width = stream.height = 32
        stream.pix_fmt = "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no Atelier provenance"):
        call_command("find_video", str(path))


def test_content_serves_ranges(job, artist):
    from tests.conftest import bearer, token_for

    runner.job_run(job.pk)
    api = bearer(token_for(artist))
    url = f"/v1/videos/{job.public_id}/content"
    whole = api.get(url, HTTP_ACCEPT="application/binary")
    assert whole.status_code == 200 and whole["Content-Type"] == "video/mp4"
    data = b"".join(whole.streaming_content)
    part = api.get(url, HTTP_RANGE="bytes=10-19", HTTP_ACCEPT="application/binary")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:20]
    tail = api.get(url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == data[-5:]
    beyond = api.get(url, HTTP_RANGE=f"bytes={len(data) + 5}-")
    assert beyond.status_code == 416
    poster = api.get(url, {"variant": "thumbnail"})
    assert poster["Content-Type"] == "image/webp"
    sprites = api.get(url, {"variant": "spritesheet"})
    assert sprites["Content-Type"] == "image/jpeg"
    assert api.get(url, {"variant": "gif"}).json()["error"]["param"] == "variant"
    assert io.BytesIO(b"".join(sprites.streaming_content)).read(2) == b"\xff\xd8"


def test_delete_removes_files(job, artist, django_capture_on_commit_callbacks):
    from tests.conftest import bearer, token_for

    runner.job_run(job.pk)
    job.refresh_from_db()
    paths = [Path(job.video.path), Path(job.thumbnail.path), Path(job.spritesheet.path)]
    api = bearer(token_for(artist))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/v1/videos/{job.public_id}")
    assert response.status_code == 200
    assert not any(path.exists() for path in paths)


def test_a_zombie_worker_counts_as_dead():
    import subprocess
    import time

    child = subprocess.Popen(["true"])
    time.sleep(0.3)  # exited, not yet reaped: a zombie
    try:
        assert services._pid_alive(child.pid) is False
    finally:
        child.wait()
    assert services._pid_alive(__import__("os").getpid()) is True


def test_worker_start_hands_out_dispatched_jobs_again(job):
    from django.utils import timezone

    GenerationJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())
    services.jobs_recover_orphans()
    job.refresh_from_db()
    assert job.dispatched_at is not None  # a running dispatcher leaves it alone
    services.jobs_recover_orphans(worker_starting=True)
    job.refresh_from_db()
    assert job.dispatched_at is None


def test_wan_family_runs_end_to_end(artist):
    job = JobFactory(tester=artist, model="tiny-wan", width=32, height=32, num_frames=9)
    assert runner.job_run(job.pk) == "completed"
    job.refresh_from_db()
    with av.open(job.video.path) as container:
        frames = list(container.decode(video=0))
    assert (len(frames), frames[0].width, frames[0].height) == (9, 32, 32)
