"""Liveness and dependency check for load balancers and the demo script."""

import time

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from atelier.celery import app as celery_app


def _check(fn) -> dict:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@require_safe
def healthz(request) -> JsonResponse:
    checks = {"database": _check(_database), "broker": _check(_broker)}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )
