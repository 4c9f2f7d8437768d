"""The official openai SDK against a live server and a real Celery worker on the tiny model."""

import io
import signal
from pathlib import Path

import av
import pytest
from PIL import Image

from generation.models import GenerationJob
from tests.worker import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The Sora API:DeprecationWarning"),
]


def _decode(data: bytes):
    with av.open(io.BytesIO(data)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
        comment = container.metadata.get("comment", "")
    return frames, comment


def test_create_and_poll_then_download_all_variants(gpu_worker, openai_client):
    video = openai_client.videos.create_and_poll(
        prompt="a red cat", model="tiny-ltx", seconds="1", size="64x64", poll_interval_ms=200
    )
    assert video.status == "completed", gpu_worker.log()[-3000:]
    assert video.progress == 100
    assert video.id.startswith("video_")

    mp4 = openai_client.videos.download_content(video.id, variant="video").read()
    frames, comment = _decode(mp4)
    assert len(frames) == 9  # 1 s at 8 fps -> 8k+1 frames
    assert frames[0].shape == (64, 64, 3)
    assert video.id in comment

    poster = openai_client.videos.download_content(video.id, variant="thumbnail").read()
    assert Image.open(io.BytesIO(poster)).format == "WEBP"
    sheet = openai_client.videos.download_content(video.id, variant="spritesheet").read()
    assert Image.open(io.BytesIO(sheet)).format == "JPEG"


def test_list_remix_and_delete(gpu_worker, openai_client):
    first = openai_client.videos.create_and_poll(
        prompt="a blue sea", size="64x64", seconds="1", poll_interval_ms=200
    )
    assert first.status == "completed"
    remix = openai_client.videos.remix(first.id, prompt="a green sea")
    assert remix.remixed_from_video_id == first.id
    remix = openai_client.videos.poll(remix.id, poll_interval_ms=200)
    assert remix.status == "completed"

    ids = [video.id for video in openai_client.videos.list(limit=1)]
    assert ids == [remix.id, first.id]  # auto-pagination over the cursor, newest first

    deleted = openai_client.videos.delete(first.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (first.id, "video.deleted", True)
    assert [video.id for video in openai_client.videos.list()] == [remix.id]


def start_slow_job(client, *, steps: int):
    """A job whose steps take 0.25 s each (fault injection), once it is running."""
    video = client.videos.create(
        prompt="[[simulate:slow]] a slow cat",
        size="64x64",
        seconds="1",
        extra_body={"num_inference_steps": steps},
    )
    wait_for(
        lambda: GenerationJob.objects.filter(public_id=video.id, progress__gt=0).exists(),
        message="job started",
    )
    return video


def test_sigkill_mid_job_completes_exactly_once_after_restart(gpu_worker, openai_client):
    video = start_slow_job(openai_client, steps=16)
    gpu_worker.kill(signal.SIGKILL)
    gpu_worker.start()
    done = openai_client.videos.poll(video.id, poll_interval_ms=200)
    assert done.status == "completed", gpu_worker.log()[-3000:]
    job = GenerationJob.objects.get(public_id=video.id)
    assert job.attempts == 2
    folder = Path(job.video.path).parent
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(job.public_id)) == [
        f"{job.public_id}-sprites.jpg",
        f"{job.public_id}.mp4",
        f"{job.public_id}.webp",
    ]


def test_cancel_while_running(gpu_worker, openai_client):
    video = start_slow_job(openai_client, steps=40)
    openai_client.videos.delete(video.id)
    job = wait_for(
        lambda: GenerationJob.objects.filter(
            public_id=video.id, status=GenerationJob.Status.CANCELLED
        ).first(),
        message="job cancelled",
    )
    assert job.progress < 90  # stopped during denoising, before the decode
    assert not job.video


def test_out_of_memory_fails_job_and_worker_survives(gpu_worker, openai_client):
    failed = openai_client.videos.create_and_poll(
        prompt="[[simulate:oom]] too big", size="64x64", seconds="1", poll_interval_ms=200
    )
    assert failed.status == "failed"
    assert failed.error.code == "out_of_memory"
    after = openai_client.videos.create_and_poll(
        prompt="a small cat", size="64x64", seconds="1", poll_interval_ms=200
    )
    assert after.status == "completed"
    assert gpu_worker.running()
