"""Reads for generation: an artist's jobs, queue position, quota use, worker status."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from generation.models import GenerationJob, GenerationWorker
from program.access.limits import limits_for
from program.models import Tester

Status = GenerationJob.Status
DEFAULT_JOB_SECONDS = 60.0


def job_list_for_tester(*, tester: Tester) -> QuerySet[GenerationJob]:
    """An artist's own videos; deleted ones are gone for good."""
    return GenerationJob.objects.filter(tester=tester, deleted_at__isnull=True).select_related(
        "remixed_from"
    )


def job_get_for_tester(*, tester: Tester, public_id: str) -> GenerationJob | None:
    return job_list_for_tester(tester=tester).filter(public_id=public_id).first()


def job_list_all(*, status: str = "") -> QuerySet[GenerationJob]:
    queryset = GenerationJob.objects.select_related("tester", "token")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def jobs_waiting() -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(
        status=Status.QUEUED, deleted_at__isnull=True, cancel_requested=False
    )


def day_start(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def seconds_until_tomorrow(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return max(1, math.ceil((day_start(now) + timedelta(days=1) - now).total_seconds()))


def gpu_seconds_today(*, tester: Tester | None = None, token=None) -> float:
    """GPU time used since local midnight. Failed jobs do not count against anyone."""
    queryset = GenerationJob.objects.filter(started_at__gte=day_start()).exclude(
        status=Status.FAILED
    )
    if tester is not None:
        queryset = queryset.filter(tester=tester)
    if token is not None:
        queryset = queryset.filter(token=token)
    return float(queryset.aggregate(total=Sum("gpu_seconds"))["total"] or 0.0)


@dataclass(frozen=True)
class CreateUsage:
    queued: int
    gpu_seconds_tester: float
    gpu_seconds_token: float


def create_usage(*, tester: Tester, token=None) -> CreateUsage:
    """What a new job is checked against, in one query: the artist's waiting jobs and today's
    GPU time for the artist and the token (same rules as gpu_seconds_today)."""
    today = Q(started_at__gte=day_start()) & ~Q(status=Status.FAILED)
    queued = Q(status=Status.QUEUED, deleted_at__isnull=True)
    totals = {
        "queued": Count("pk", filter=queued),
        "tester_s": Sum("gpu_seconds", filter=today),
    }
    if token is not None:
        totals["token_s"] = Sum("gpu_seconds", filter=today & Q(token=token))
    # Only waiting jobs and today's: an artist's whole history is never scanned.
    relevant = Q(status=Status.QUEUED) | Q(started_at__gte=day_start())
    row = GenerationJob.objects.filter(relevant, tester=tester).aggregate(**totals)
    return CreateUsage(
        queued=row["queued"],
        gpu_seconds_tester=float(row["tester_s"] or 0.0),
        gpu_seconds_token=float(row.get("token_s") or 0.0),
    )


@dataclass(frozen=True)
class QuotaSummary:
    gpu_seconds_used: float
    gpu_seconds_limit: int
    running: int
    running_limit: int
    queued: int

    @property
    def gpu_seconds_left(self) -> float:
        return max(0.0, self.gpu_seconds_limit - self.gpu_seconds_used)


def quota_summary(*, tester: Tester) -> QuotaSummary:
    limits = limits_for(tester.program)
    counts = GenerationJob.objects.filter(tester=tester, deleted_at__isnull=True).aggregate(
        running=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        queued=Count("pk", filter=Q(status=Status.QUEUED)),
    )
    return QuotaSummary(
        gpu_seconds_used=gpu_seconds_today(tester=tester),
        gpu_seconds_limit=limits.gpu_seconds_per_day_per_tester,
        running=counts["running"],
        running_limit=limits.max_concurrent_jobs_per_tester,
        queued=counts["queued"],
    )


def average_job_seconds(*, model: str) -> float:
    """GPU seconds of the model's last 20 videos, for start estimates. It moves slowly, so each
    process keeps it for GENERATION_ESTIMATE_CACHE_SECONDS instead of asking on every request."""

    def compute() -> float:
        recent = GenerationJob.objects.filter(model=model, status=Status.COMPLETED).order_by(
            "-finished_at"
        )[:20]
        average = GenerationJob.objects.filter(pk__in=recent.values("pk")).aggregate(
            avg=Avg("gpu_seconds")
        )["avg"]
        return float(average or DEFAULT_JOB_SECONDS)

    return cache.get_or_set(
        f"generation:average-seconds:{model}", compute, settings.GENERATION_ESTIMATE_CACHE_SECONDS
    )


def queue_position(*, job: GenerationJob) -> int | None:
    """How many jobs start before this one (0 = next), estimated with fair-share rules.

    Dispatch serves artists round-robin, so an artist's k-th waiting job waits behind at most
    k jobs of each other artist, plus the artist's own earlier jobs.
    """
    if job.status != Status.QUEUED:
        return None
    if job.dispatched_at is not None:
        return 0
    undispatched = Q(dispatched_at__isnull=True)
    earlier = Q(created_at__lt=job.created_at) | Q(created_at=job.created_at, pk__lt=job.pk)
    rows = (
        jobs_waiting()
        .values("tester_id")
        .annotate(
            waiting=Count("pk", filter=undispatched),
            ahead=Count("pk", filter=undispatched & earlier),
            dispatched=Count("pk", filter=~undispatched),
        )
        .values_list("tester_id", "waiting", "ahead", "dispatched")
    )
    own_ahead, others, dispatched = 0, [], 0
    for tester_id, waiting, ahead, sent in rows:  # one query, grouped by artist
        dispatched += sent
        if tester_id == job.tester_id:
            own_ahead = ahead
        else:
            others.append(waiting)
    rank = own_ahead + 1
    return dispatched + own_ahead + sum(min(n, rank) for n in others)


def estimated_start(*, job: GenerationJob, position: int | None = None) -> datetime | None:
    if job.status != Status.QUEUED:
        return None
    position = queue_position(job=job) if position is None else position
    slots = max(1, settings.GENERATION_GPU_SLOTS)
    rounds = math.ceil((position + 1) / slots)
    return timezone.now() + timedelta(seconds=rounds * average_job_seconds(model=job.model))


def queue_depth() -> dict[str, int]:
    counts = GenerationJob.objects.filter(
        status__in=[Status.QUEUED, Status.IN_PROGRESS], deleted_at__isnull=True
    ).aggregate(
        queued=Count("pk", filter=Q(status=Status.QUEUED)),
        running=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        artists=Count("tester", distinct=True, filter=Q(status=Status.QUEUED)),
    )
    return counts


def workers_list() -> list[GenerationWorker]:
    stale = timezone.now() - timedelta(seconds=settings.GENERATION_WORKER_STALE_SECONDS)
    workers = list(GenerationWorker.objects.select_related("current_job"))
    for worker in workers:
        worker.alive = worker.last_seen_at >= stale
    return workers


def workers_live_names() -> set[str]:
    stale = timezone.now() - timedelta(seconds=settings.GENERATION_WORKER_STALE_SECONDS)
    return set(
        GenerationWorker.objects.filter(last_seen_at__gte=stale).values_list("name", flat=True)
    )
