"""Rate limits and quotas. The numbers live on the program so staff can change them.

Interface used by other apps (keep the signature): `limits_for(program) -> Limits`.
The numbers come from the program's `ProgramSecurity` row, or from settings when it has none.
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


def security_defaults() -> dict:
    """Field values of a new ProgramSecurity row, from settings."""
    return {
        "origin_allowlist": list(settings.ATELIER_ORIGIN_ALLOWLIST),
        "quarantine_on_origin": True,
        "spread_max_networks": settings.ATELIER_SPREAD_MAX_NETWORKS,
        "spread_window_minutes": settings.ATELIER_SPREAD_WINDOW_MINUTES,
        "spike_factor": settings.ATELIER_SPIKE_FACTOR,
        "spike_min_per_minute": settings.ATELIER_SPIKE_MIN_PER_MINUTE,
        "requests_per_minute_per_token": settings.ATELIER_RATE_PER_MINUTE,
        "requests_per_minute_per_tester": settings.ATELIER_RATE_PER_MINUTE_PER_TESTER,
        "max_concurrent_jobs_per_tester": settings.ATELIER_MAX_CONCURRENT_JOBS,
        "max_concurrent_jobs_per_token": settings.ATELIER_MAX_CONCURRENT_JOBS,
        "gpu_seconds_per_day_per_tester": settings.ATELIER_GPU_SECONDS_PER_DAY,
        "gpu_seconds_per_day_per_token": settings.ATELIER_GPU_SECONDS_PER_DAY,
    }


def security_for(program):
    """The program's ProgramSecurity, or an unsaved one with the defaults.

    Uses the row already loaded by `select_related("security")` when there is one.
    """
    from program.access.models import ProgramSecurity

    try:
        return program.security
    except ProgramSecurity.DoesNotExist:
        return ProgramSecurity(program=program, **security_defaults())


def limits_for(program) -> Limits:
    security = security_for(program)
    return Limits(
        requests_per_minute_per_token=security.requests_per_minute_per_token,
        requests_per_minute_per_tester=security.requests_per_minute_per_tester,
        max_concurrent_jobs_per_tester=security.max_concurrent_jobs_per_tester,
        max_concurrent_jobs_per_token=security.max_concurrent_jobs_per_token,
        gpu_seconds_per_day_per_tester=security.gpu_seconds_per_day_per_tester,
        gpu_seconds_per_day_per_token=security.gpu_seconds_per_day_per_token,
    )
