"""Overhead of token authentication + leak detection + rate limiting on a trivial endpoint.

    .venv/bin/python bench/token_auth.py [--requests 2000] [--database-url URL] [--redis-url URL]

Both endpoints are the same DRF view through the full middleware stack; one has no
authentication, the other needs a bearer token (lookup, usage insert, origin and spread rules,
rate counters). Requests alternate between the two in one run, so machine noise hits both.
By default a fresh SQLite file database is used (the default deployment); pass
--database-url postgres://… to measure Postgres. The last line is `RESULT {json}`.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    os.environ["ATELIER_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["ATELIER_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "atelier.settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    settings.DEBUG = False  # no query log: measure what production runs
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 401s are expected here
    call_command("migrate", verbosity=0, interactive=False)

    from program.access.services import program_security_update, token_issue
    from program.models import Program, Tester
    from program.services.testers import tester_create

    today = django.utils.timezone.localdate()
    program = Program.objects.create(
        name="Bench",
        slug=f"bench-{int(time.time())}",
        starts_on=today,
        ends_on=today.replace(year=today.year + 1),
    )
    tester = tester_create(
        program=program, email="bench@atelier.test", display_name="B", country="FR"
    )
    Tester.objects.filter(pk=tester.pk).update(status=Tester.Status.ACTIVE)
    tester.refresh_from_db()
    program_security_update(
        program=program,
        actor=None,
        requests_per_minute_per_token=10**7,
        requests_per_minute_per_tester=10**7,
        spike_min_per_minute=10**7,
    )
    secret = token_issue(tester=tester, name="bench", scopes=["videos:read"]).secret
    forged = secret[:-6] + ("AAAAAA" if secret[-6:] != "AAAAAA" else "BBBBBB")

    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "REMOTE_ADDR": "192.0.2.10"}
    bad = {"HTTP_AUTHORIZATION": f"Bearer {forged}", "REMOTE_ADDR": "192.0.2.10"}
    timings: dict[str, list[float]] = {"open": [], "token": [], "bad_checksum": []}

    def timed(kind: str, path: str, extra: dict, expected: int) -> None:
        start = time.perf_counter()
        response = client.get(path, **extra)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != expected:
            raise SystemExit(f"{kind}: got {response.status_code}: {response.content[:300]!r}")
        timings[kind].append(elapsed)

    with override_settings(ROOT_URLCONF="bench._token_auth_urls"):
        for _ in range(args.warmup):
            client.get("/bench/open")
            client.get("/bench/token", **auth)
        for kind in timings:
            timings[kind].clear()
        for index in range(args.requests):
            order = [("open", "/bench/open", {}, 200), ("token", "/bench/token", auth, 200)]
            if index % 2:
                order.reverse()
            for item in order:
                timed(*item)
            if index % 4 == 0:
                timed("bad_checksum", "/bench/token", bad, 401)

    stats = {
        kind: {
            "p50_ms": round(_percentile(values, 50), 4),
            "p99_ms": round(_percentile(values, 99), 4),
            "mean_ms": round(statistics.fmean(values), 4),
            "n": len(values),
        }
        for kind, values in timings.items()
    }
    added_p50 = stats["token"]["p50_ms"] - stats["open"]["p50_ms"]
    added_p99 = stats["token"]["p99_ms"] - stats["open"]["p99_ms"]
    result = {
        "bench": "token_auth",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "rate_counters": "redis" if settings.REDIS_URL else "database",
        "requests": args.requests,
        "open": stats["open"],
        "token": stats["token"],
        "bad_checksum": stats["bad_checksum"],
        "added_ms_p50": round(added_p50, 4),
        "added_ms_p99": round(added_p99, 4),
        "ratio_p50": round(stats["token"]["p50_ms"] / stats["open"]["p50_ms"], 3),
        "ratio_p99": round(stats["token"]["p99_ms"] / stats["open"]["p99_ms"], 3),
        "goal_added_ms_p50": 1.0,
        "goal_met": added_p50 < 1.0,
    }
    print(f"{'endpoint':<14}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for kind in ("open", "token", "bad_checksum"):
        s = stats[kind]
        print(f"{kind:<14}{s['p50_ms']:>10.3f}{s['p99_ms']:>10.3f}{s['mean_ms']:>10.3f}")
    print(
        f"added by token auth + leak detection: p50 {added_p50:.3f} ms, p99 {added_p99:.3f} ms; "
        f"ratio p50 {result['ratio_p50']}x, p99 {result['ratio_p99']}x "
        f"({result['database']}, counters in {result['rate_counters']})"
    )
    print("RESULT " + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
