"""Writes for generation: create, remix, cancel, delete, dispatch, and the worker's state moves.

Job lifecycle: queued -> (dispatched, still queued) -> in_progress -> completed | failed | cancelled.
Every move the worker makes is a conditional UPDATE, so a redelivered Celery message or a
second worker can never run or finish a job twice.
"""

import hashlib
import logging
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError, Unavailable
from generation import registry
from generation.models import GenerationJob, GenerationWorker
from generation.selectors import (
    create_usage,
    jobs_waiting,
    seconds_until_tomorrow,
    workers_live_names,
)
from program.access.limits import limits_for
from program.models import Program, Tester

logger = logging.getLogger(__name__)

Status = GenerationJob.Status
MAX_PROMPT_CHARS = 2000
MAX_SEED = 2**63 - 1


class QuotaExceeded(ServiceError):
    """429: over a limit; `retry_after` says when to try again (seconds)."""

    status_code = 429
    default_code = "quota_exceeded"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


def prompt_hash(prompt: str) -> str:
    return hashlib.sha256(prompt.encode()).hexdigest()


# --- Validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobParams:
    """Checked request values; the names are GenerationJob's fields."""

    model: str
    prompt: str
    negative_prompt: str
    width: int
    height: int
    seconds: Decimal
    fps: int
    num_frames: int
    num_inference_steps: int
    guidance_scale: float
    seed: int


def _number(value, *, kind, field: str):
    try:
        return kind(str(value).strip())
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise ServiceError(f"{field} must be a number.", field=field, code="invalid_value") from exc


def job_params_validate(
    *,
    prompt: str | None,
    model: str | None = None,
    size: str | None = None,
    seconds=None,
    fps=None,
    num_inference_steps=None,
    guidance_scale=None,
    seed=None,
    negative_prompt: str | None = None,
) -> JobParams:
    """Check a request against the model's limits; every refusal names the field at fault."""
    prompt = (prompt or "").strip()
    if not prompt:
        raise ServiceError("Write a prompt.", field="prompt", code="prompt_required")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ServiceError(
            f"The prompt is longer than {MAX_PROMPT_CHARS} characters.",
            field="prompt",
            code="prompt_too_long",
        )
    negative_prompt = (negative_prompt or "").strip()
    if len(negative_prompt) > MAX_PROMPT_CHARS:
        raise ServiceError(
            f"The negative prompt is longer than {MAX_PROMPT_CHARS} characters.",
            field="negative_prompt",
            code="prompt_too_long",
        )
    spec = registry.model_get(model) if model else registry.model_default()
    if spec is None and not model:
        raise ServiceError(
            "No video model is installed yet.",
            field="model",
            code="model_not_found",
            status_code=404,
        )
    if spec is None:
        # As GET /v1/models/{id} (and OpenAI) answer: the model is a resource that is not here.
        known = ", ".join(registry.model_specs()) or "none installed"
        raise ServiceError(
            f"Unknown model {model!r}. Available: {known}.",
            field="model",
            code="model_not_found",
            status_code=404,
        )
    size = (size or spec.default_size).strip().lower()
    width_text, sep, height_text = size.partition("x")
    if not sep or not width_text.isdigit() or not height_text.isdigit():
        raise ServiceError("size must look like WIDTHxHEIGHT, e.g. 768x512.", field="size")
    width, height = int(width_text), int(height_text)
    if width < spec.size_multiple or height < spec.size_multiple:
        raise ServiceError(f"size is too small for {spec.name}.", field="size", code="bad_size")
    if error := spec.size_error(width, height):
        raise ServiceError(error, field="size", code="bad_size")

    fps = spec.fps if fps in (None, "") else _number(fps, kind=int, field="fps")
    if not 1 <= fps <= 60:
        raise ServiceError("fps must be between 1 and 60.", field="fps")
    seconds = (
        spec.default_seconds
        if seconds in (None, "")
        else _number(seconds, kind=Decimal, field="seconds")
    )
    if not seconds.is_finite() or seconds <= 0:
        raise ServiceError("seconds must be more than 0.", field="seconds")
    num_frames = spec.frames_for(seconds, fps) if seconds < 10_000 else spec.max_frames + 1
    if num_frames > spec.max_frames:
        raise ServiceError(
            f"{spec.name} makes at most {spec.max_frames} frames "
            f"({(Decimal(spec.max_frames) / fps).quantize(Decimal('0.01'))} s at {fps} fps).",
            field="seconds",
            code="too_long",
        )
    steps = (
        spec.default_steps
        if num_inference_steps in (None, "")
        else _number(num_inference_steps, kind=int, field="num_inference_steps")
    )
    if not 1 <= steps <= settings.GENERATION_MAX_STEPS:
        raise ServiceError(
            f"num_inference_steps must be between 1 and {settings.GENERATION_MAX_STEPS}.",
            field="num_inference_steps",
        )
    guidance = (
        spec.default_guidance
        if guidance_scale in (None, "")
        else _number(guidance_scale, kind=float, field="guidance_scale")
    )
    if not 0 <= guidance <= settings.GENERATION_MAX_GUIDANCE:  # NaN fails both bounds
        raise ServiceError(
            f"guidance_scale must be between 0 and {settings.GENERATION_MAX_GUIDANCE:g}.",
            field="guidance_scale",
        )
    if seed in (None, ""):
        seed = secrets.randbelow(2**31)
    else:
        seed = _number(seed, kind=int, field="seed")
        if not 0 <= seed <= MAX_SEED:
            raise ServiceError("seed must be between 0 and 2^63-1.", field="seed")
    return JobParams(
        model=spec.name,
        prompt=prompt,
        negative_prompt=negative_prompt,
        width=width,
        height=height,
        seconds=seconds.quantize(Decimal("0.01")),
        fps=fps,
        num_frames=num_frames,
        num_inference_steps=steps,
        guidance_scale=guidance,
        seed=seed,
    )


# --- Artist actions -----------------------------------------------------------------------------


def _check_can_generate(*, tester: Tester, token) -> None:
    program = tester.program
    if program.status == Program.Status.PAUSED:
        raise Unavailable(
            program.pause_reason or "The program is paused; generation resumes soon.",
            code="program_paused",
        )
    if program.status == Program.Status.CLOSED:
        raise NotAllowed("The program has closed.", code="program_closed")
    if tester.status not in (Tester.Status.ACTIVE, Tester.Status.ONBOARDING):
        raise NotAllowed("Your program membership is not active.", code="tester_inactive")
    limits = limits_for(program)
    usage = create_usage(tester=tester, token=token)
    if usage.queued >= settings.GENERATION_MAX_QUEUED_PER_TESTER:
        raise QuotaExceeded(
            f"You already have {usage.queued} videos waiting; wait for some to finish.",
            retry_after=60,
            code="too_many_queued",
        )
    if usage.gpu_seconds_tester >= limits.gpu_seconds_per_day_per_tester:
        raise QuotaExceeded(
            f"Today's GPU time ({limits.gpu_seconds_per_day_per_tester} s) is used up.",
            retry_after=seconds_until_tomorrow(),
            code="gpu_quota_exceeded",
        )
    if token is not None and usage.gpu_seconds_token >= limits.gpu_seconds_per_day_per_token:
        raise QuotaExceeded(
            f"Today's GPU time for this token ({limits.gpu_seconds_per_day_per_token} s) is used up.",
            retry_after=seconds_until_tomorrow(),
            code="gpu_quota_exceeded",
        )


@transaction.atomic
def job_create(
    *, tester: Tester, token=None, remixed_from: GenerationJob | None = None, **params
) -> GenerationJob:
    """Validate, check the program and quotas, save, and dispatch after commit."""
    checked = job_params_validate(**params)
    _check_can_generate(tester=tester, token=token)
    job = GenerationJob.objects.create(
        tester=tester, token=token, remixed_from=remixed_from, **asdict(checked)
    )
    transaction.on_commit(jobs_dispatch_after_commit, robust=True)
    return job


def job_remix(*, source: GenerationJob, prompt: str, token=None) -> GenerationJob:
    """A new job with a new prompt and the source's model, size, length, steps and seed."""
    if source.status != Status.COMPLETED:
        raise Conflict("Only a completed video can be remixed.", code="video_not_completed")
    return job_create(
        tester=source.tester,
        token=token,
        remixed_from=source,
        prompt=prompt,
        model=source.model,
        size=source.size,
        seconds=source.seconds,
        fps=source.fps,
        num_inference_steps=source.num_inference_steps,
        guidance_scale=source.guidance_scale,
        seed=source.seed,
        negative_prompt=source.negative_prompt,
    )


@transaction.atomic
def job_cancel(*, job: GenerationJob) -> GenerationJob:
    """Queued jobs stop at once; a running job stops at its next step, before the VAE decode."""
    now = timezone.now()
    updated = GenerationJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, cancel_requested=True, finished_at=now
    )
    if not updated:
        updated = GenerationJob.objects.filter(pk=job.pk, status=Status.IN_PROGRESS).update(
            cancel_requested=True
        )
    if not updated:
        raise Conflict("This video has already finished.", code="video_finished")
    job.refresh_from_db()
    return job


def _delete_assets(job: GenerationJob) -> None:
    for field in ("video", "thumbnail", "spritesheet"):
        file = getattr(job, field)
        if file and file.name:
            default_storage.delete(file.name)


@transaction.atomic
def job_delete(*, job: GenerationJob) -> None:
    """Cancel if still running, delete the files, and hide the job from the artist for good."""
    if not job.is_final:
        try:
            job_cancel(job=job)
        except Conflict:
            job.refresh_from_db()
    GenerationJob.objects.filter(pk=job.pk).update(
        deleted_at=timezone.now(), video="", thumbnail="", spritesheet=""
    )
    transaction.on_commit(lambda: _delete_assets(job))


# --- Dispatch (fair share) ----------------------------------------------------------------------


def _active_jobs():
    return GenerationJob.objects.filter(
        Q(status=Status.IN_PROGRESS) | Q(status=Status.QUEUED, dispatched_at__isnull=False)
    )


def jobs_dispatch_after_commit() -> None:
    """Dispatch now for low latency; if that fails the job is saved and still queued, and the
    periodic `generation.dispatch` (and every job that finishes) hands it out instead.

    When every GPU slot is busy (the normal state under load) one count answers, without the
    dispatch lock: the worker whose job ends next dispatches, and it commits that job's end
    before it looks, so a job created meanwhile is never missed.
    """
    try:
        if _active_jobs().count() >= settings.GENERATION_GPU_SLOTS:
            return
        jobs_dispatch()
    except Exception:
        logger.exception("dispatch after a new job failed; the periodic dispatch will retry")


def _send_run(job_id: int) -> None:
    from atelier.celery import app

    try:
        app.send_task("generation.run_job", args=[job_id], queue="gpu")
    except Exception:
        # The broker refused it: free the slot so the next dispatch sends it again.
        GenerationJob.objects.filter(pk=job_id, status=Status.QUEUED).update(dispatched_at=None)
        logger.exception("could not send job %s to the GPU queue; it stays queued", job_id)


def jobs_dispatch() -> list[int]:
    """Hand waiting jobs to the GPU queue, up to the free slots, fairest artist first.

    The next job comes from the artist with the fewest running jobs, then the least GPU time
    in the fair-share window, then the longest wait; never plain FIFO, so one artist's flood
    does not starve the others. Nothing leaves a paused program: its jobs stay queued and go
    out on the dispatch after resume. Per-artist and per-token concurrency limits apply here.
    """
    jobs_recover_orphans()
    with transaction.atomic():
        # Serialises concurrent dispatchers (Postgres); SQLite writers are serial anyway.
        list(Program.objects.select_for_update().values_list("pk", flat=True))
        chosen = _dispatch_choose()
        for job_id in chosen:
            transaction.on_commit(lambda job_id=job_id: _send_run(job_id))
    return chosen


def _dispatch_choose() -> list[int]:
    now = timezone.now()
    active = _active_jobs()
    free = settings.GENERATION_GPU_SLOTS - active.count()
    if free <= 0:
        return []
    waiting = (
        jobs_waiting()
        .filter(dispatched_at__isnull=True)
        .exclude(tester__program__status=Program.Status.PAUSED)
    )
    firsts = {
        row["tester_id"]: row
        for row in waiting.values("tester_id", "tester__program_id").annotate(
            first=Min("created_at")
        )
    }
    if not firsts:
        return []
    running = dict(
        active.values_list("tester_id").annotate(n=Count("pk")).values_list("tester_id", "n")
    )
    running_tokens = dict(
        active.exclude(token=None)
        .values_list("token_id")
        .annotate(n=Count("pk"))
        .values_list("token_id", "n")
    )
    since = now - timedelta(hours=settings.GENERATION_FAIRSHARE_HOURS)
    recent = dict(
        GenerationJob.objects.filter(tester_id__in=firsts, started_at__gte=since)
        .exclude(status=Status.FAILED)
        .values_list("tester_id")
        .annotate(s=Sum("gpu_seconds"))
        .values_list("tester_id", "s")
    )
    limits = {
        program.pk: limits_for(program)
        for program in Program.objects.filter(
            pk__in={r["tester__program_id"] for r in firsts.values()}
        )
    }
    chosen: list[int] = []
    blocked: set[int] = set()
    while free > 0:
        candidates = [
            tester_id
            for tester_id, row in firsts.items()
            if tester_id not in blocked
            and running.get(tester_id, 0)
            < limits[row["tester__program_id"]].max_concurrent_jobs_per_tester
        ]
        if not candidates:
            break
        tester_id = min(
            candidates,
            key=lambda t: (running.get(t, 0), recent.get(t) or 0.0, firsts[t]["first"], t),
        )
        token_cap = limits[firsts[tester_id]["tester__program_id"]].max_concurrent_jobs_per_token
        job = None
        for candidate in (
            waiting.filter(tester_id=tester_id)
            .exclude(pk__in=chosen)
            .order_by("created_at", "pk")[:20]
        ):
            if candidate.token_id is None or running_tokens.get(candidate.token_id, 0) < token_cap:
                job = candidate
                break
        if job is None:
            blocked.add(tester_id)
            continue
        claimed = GenerationJob.objects.filter(
            pk=job.pk, status=Status.QUEUED, dispatched_at__isnull=True
        ).update(dispatched_at=now)
        if claimed:
            chosen.append(job.pk)
            free -= 1
            running[tester_id] = running.get(tester_id, 0) + 1
            if job.token_id:
                running_tokens[job.token_id] = running_tokens.get(job.token_id, 0) + 1
        if not waiting.filter(tester_id=tester_id).exclude(pk__in=chosen).exists():
            blocked.add(tester_id)
    return chosen


# --- Worker side --------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    """True if the process exists and is not a zombie (a killed worker nobody has reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def jobs_recover_orphans(*, worker_starting: bool = False) -> list[int]:
    """Put jobs whose worker died back in the queue (the next attempt starts from scratch).

    A worker is dead when its heartbeat is stale, or at once when it ran on this host and its
    process no longer exists (a SIGKILLed worker being restarted). When a worker starts, jobs
    handed to the broker but never started are handed out again: their message may have been
    lost with a broker restart or a purge (a duplicate message is harmless: claims are
    conditional).
    """
    if worker_starting:
        GenerationJob.objects.filter(status=Status.QUEUED, dispatched_at__isnull=False).update(
            dispatched_at=None
        )
    running = list(
        GenerationJob.objects.filter(status=Status.IN_PROGRESS).values_list("pk", "worker_id")
    )
    if not running:
        return []
    live = workers_live_names()
    host = socket.gethostname()
    recovered = []
    for pk, worker in running:
        hostname, _, pid = worker.rpartition(":")
        dead_here = hostname == host and pid.isdigit() and not _pid_alive(int(pid))
        if worker in live and not dead_here:
            continue
        updated = GenerationJob.objects.filter(
            pk=pk, status=Status.IN_PROGRESS, worker_id=worker
        ).update(
            status=Status.QUEUED,
            dispatched_at=None,
            started_at=None,
            progress=0,
            worker_id="",
        )
        if updated:
            recovered.append(pk)
    # Dispatched messages that never started within the visibility timeout are sent again.
    stale = timezone.now() - timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT)
    GenerationJob.objects.filter(status=Status.QUEUED, dispatched_at__lt=stale).update(
        dispatched_at=None
    )
    return recovered


def job_claim(*, job_id: int, worker: str) -> GenerationJob | None:
    """queued -> in_progress, only once. None: someone else has it, or it is over or held."""
    job = GenerationJob.objects.select_related("tester__program").filter(pk=job_id).first()
    if job is None or job.status != Status.QUEUED:
        return None
    if job.tester.program.status == Program.Status.PAUSED:
        GenerationJob.objects.filter(pk=job_id, status=Status.QUEUED).update(dispatched_at=None)
        return None
    updated = GenerationJob.objects.filter(
        pk=job_id, status=Status.QUEUED, cancel_requested=False, deleted_at__isnull=True
    ).update(
        status=Status.IN_PROGRESS,
        started_at=timezone.now(),
        worker_id=worker,
        attempts=F("attempts") + 1,
        progress=0,
    )
    if not updated:
        return None
    GenerationWorker.objects.filter(name=worker).update(current_job_id=job_id)
    job.refresh_from_db()
    return job


def _mine(job: GenerationJob):
    return GenerationJob.objects.filter(
        pk=job.pk, status=Status.IN_PROGRESS, worker_id=job.worker_id, attempts=job.attempts
    )


def job_progress_update(*, job: GenerationJob, progress: int) -> bool:
    """Record progress. False means stop: the job was cancelled or is no longer ours."""
    return bool(
        _mine(job).filter(cancel_requested=False).update(progress=min(100, max(0, progress)))
    )


def _worker_done(job: GenerationJob) -> None:
    GenerationWorker.objects.filter(name=job.worker_id).update(
        current_job=None, jobs_done=F("jobs_done") + 1
    )


def job_complete(
    *, job: GenerationJob, files: dict[str, str], gpu_seconds: float, pipeline_seconds: float
) -> bool:
    """in_progress -> completed with its files; False if it was cancelled meanwhile."""
    updated = (
        _mine(job)
        .filter(cancel_requested=False, deleted_at__isnull=True)
        .update(
            status=Status.COMPLETED,
            progress=100,
            finished_at=timezone.now(),
            gpu_seconds=gpu_seconds,
            pipeline_seconds=pipeline_seconds,
            **files,
        )
    )
    _worker_done(job)
    return bool(updated)


def job_finish_unsuccessful(
    *, job: GenerationJob, code: str, message: str, gpu_seconds: float = 0.0
) -> None:
    """in_progress -> cancelled (if asked) or failed with a code the artist can read."""
    now = timezone.now()
    mine = _mine(job)
    if not mine.filter(cancel_requested=True).update(
        status=Status.CANCELLED, finished_at=now, gpu_seconds=gpu_seconds
    ):
        mine.update(
            status=Status.FAILED,
            finished_at=now,
            error_code=code,
            error_message=message[:2000],
            gpu_seconds=gpu_seconds,
        )
    _worker_done(job)


def worker_heartbeat(*, name: str, device: str = "") -> None:
    hostname, _, pid = name.rpartition(":")
    now = timezone.now()
    updated = GenerationWorker.objects.filter(name=name).update(last_seen_at=now)
    if not updated:
        GenerationWorker.objects.update_or_create(
            name=name,
            defaults={"hostname": hostname, "pid": int(pid), "device": device, "last_seen_at": now},
        )


def workers_forget_dead() -> None:
    """Drop heartbeat rows of processes on this host that no longer exist."""
    host = socket.gethostname()
    for worker in GenerationWorker.objects.filter(hostname=host):
        if not _pid_alive(worker.pid):
            worker.delete()


def worker_retire(*, name: str) -> None:
    GenerationWorker.objects.filter(name=name).delete()


def output_paths(job: GenerationJob) -> dict[str, str]:
    """Storage names of a job's three files; fixed per job, so there is only ever one set."""
    folder = Path("videos") / f"{job.created_at:%Y/%m}"
    return {
        "video": str(folder / f"{job.public_id}.mp4"),
        "thumbnail": str(folder / f"{job.public_id}.webp"),
        "spritesheet": str(folder / f"{job.public_id}-sprites.jpg"),
    }
