"""Rate limits and quotas. The numbers live on the program so staff can change them.

Interface used by other apps (keep the signature): `limits_for(program) -> Limits`.
The access work will store these per program; until then they come from settings.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Limits:
    requests_per_minute_per_token: int
    requests_per_minute_per_tester: int
    max_concurrent_jobs_per_tester: int
    max_concurrent_jobs_per_token: int
    gpu_seconds_per_day_per_tester: int
    gpu_seconds_per_day_per_token: int


def limits_for(program) -> Limits:
    return Limits(
        requests_per_minute_per_token=settings.ATELIER_RATE_PER_MINUTE,
        requests_per_minute_per_tester=settings.ATELIER_RATE_PER_MINUTE * 2,
        max_concurrent_jobs_per_tester=settings.ATELIER_MAX_CONCURRENT_JOBS,
        max_concurrent_jobs_per_token=settings.ATELIER_MAX_CONCURRENT_JOBS,
        gpu_seconds_per_day_per_tester=settings.ATELIER_GPU_SECONDS_PER_DAY,
        gpu_seconds_per_day_per_token=settings.ATELIER_GPU_SECONDS_PER_DAY,
    )
