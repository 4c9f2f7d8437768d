"""Load test: mixed artist and staff traffic against gunicorn, with a worker, for N seconds.

    .venv/bin/python bench/load.py                       # 64 clients, 60 s (by hand)
    .venv/bin/python bench/load.py --duration 10         # the CI version
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_quality \
      CELERY_BROKER_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/load.py

Starts its own stack (bench/stack.py): a fresh database (`<DATABASE_URL db>_load` on Postgres,
SQLite otherwise), gunicorn, and a Celery worker when generation is present. Routes that are not
in /api/schema/ yet are simply not called. When /v1/models lists a model, artists also create
videos and poll them; after the run every created job must reach a final state.

Fails (exit 1) on any 5xx or any lost job. Prints `RESULT {json}` last.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stack import Stack  # noqa: E402

FINAL = {"completed", "failed", "cancelled"}


class Shared:
    """What the simulated users need: identities, which routes exist, the jobs they created."""

    artists: list[dict] = []
    staff: dict = {}
    paths: set[str] = set()
    model: str | None = None
    jobs: dict[str, str] = {}  # video id -> owner's token
    statuses: dict[int, int] = {}
    server_errors: list[str] = []
    connection_errors: list[str] = []


def _has(path: str) -> bool:
    return path in Shared.paths


class Artist(HttpUser):
    weight = 8
    wait_time = between(0.05, 0.3)

    def on_start(self) -> None:
        me = random.choice(Shared.artists)
        self.token = me["token"]
        self.client.headers["Authorization"] = f"Bearer {self.token}"
        self.my_jobs: list[str] = []

    @task(2)
    def me(self) -> None:
        self.client.get("/api/me/", name="GET /api/me/")

    @task(2)
    def notifications(self) -> None:
        self.client.get("/api/notifications/?limit=20", name="GET /api/notifications/")

    @task(1)
    def terms(self) -> None:
        self.client.get("/api/agreements/current/", name="GET /api/agreements/current/")

    @task(3)
    def feedback(self) -> None:
        if _has("/api/feedback/"):
            self.client.get("/api/feedback/?limit=20", name="GET /api/feedback/")

    @task(3)
    def films(self) -> None:
        if _has("/api/films/"):
            self.client.get("/api/films/?limit=20", name="GET /api/films/")

    @task(2)
    def list_videos(self) -> None:
        if Shared.model:
            self.client.get("/v1/videos?limit=20", name="GET /v1/videos")

    @task(4)
    def poll_video(self) -> None:
        if Shared.model and self.my_jobs:
            video = random.choice(self.my_jobs)
            self.client.get(f"/v1/videos/{video}", name="GET /v1/videos/{id}")

    @task(1)
    def create_video(self) -> None:
        if not Shared.model:
            return
        body = {
            "model": Shared.model,
            "prompt": "a paper boat on a pond, morning light",
            "seconds": "1",
            "size": "64x64",
        }
        with self.client.post(
            "/v1/videos", json=body, name="POST /v1/videos", catch_response=True
        ) as response:
            if response.status_code in (200, 201):
                video = response.json()["id"]
                self.my_jobs.append(video)
                Shared.jobs[video] = self.token
                response.success()
            elif response.status_code == 429:
                response.success()  # quota reached: refused cleanly, nothing to lose


class Staff(HttpUser):
    weight = 1
    wait_time = between(0.2, 0.8)

    def on_start(self) -> None:
        self.client.headers["Cookie"] = Shared.staff["cookie"]

    @task(3)
    def testers(self) -> None:
        self.client.get("/api/testers/?limit=50", name="GET /api/testers/")

    @task(3)
    def triage(self) -> None:
        if _has("/api/staff/feedback/"):
            self.client.get("/api/staff/feedback/?limit=50", name="GET /api/staff/feedback/")

    @task(1)
    def console(self) -> None:
        self.client.get("/staff/testers/", name="GET /staff/testers/")


@events.request.add_listener
def _count(
    request_type, name, response_time, response_length, response=None, exception=None, **kwargs
):
    status = getattr(response, "status_code", 0) or 0
    Shared.statuses[status] = Shared.statuses.get(status, 0) + 1
    if status >= 500:
        Shared.server_errors.append(f"{name} -> {status}"[:200])
    elif status == 0:  # no HTTP answer (e.g. a keep-alive connection closed as it was reused)
        Shared.connection_errors.append(f"{name}: {exception}"[:200])


def wait_for_jobs(stack: Stack, timeout: float) -> list[str]:
    """Ids of created jobs that did not reach a final state (or vanished) within `timeout`."""
    pending = dict(Shared.jobs)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for video, token in list(pending.items()):
            status, body = stack.request("GET", f"/v1/videos/{video}", token=token)
            if status == 200 and json.loads(body).get("status") in FINAL:
                pending.pop(video)
        if pending:
            time.sleep(1)
    return sorted(pending)


def run(args) -> dict:
    with Stack.prepare(
        name="load",
        artists=max(8, args.users // 2),
        web_workers=args.web_workers,
        web_threads=args.web_threads,
    ) as stack:
        stack.start_worker()
        stack.start_web()
        Shared.artists, Shared.staff = stack.seed["artists"], stack.seed["staff"]
        Shared.paths = stack.api_paths()
        if stack.generation_ready():
            _status, body = stack.request("GET", "/v1/models", token=Shared.artists[0]["token"])
            Shared.model = json.loads(body)["data"][0]["id"]
        env = Environment(user_classes=[Artist, Staff], events=events, host=stack.url)
        runner = env.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        gevent.sleep(args.duration)
        runner.quit()
        stats = env.stats.total
        lost = wait_for_jobs(stack, args.job_timeout) if Shared.jobs else []
        result = {
            "name": "load",
            "users": args.users,
            "duration_s": args.duration,
            "requests": stats.num_requests,
            "throughput_rps": round(stats.num_requests / args.duration, 1),
            "p50_ms": stats.get_response_time_percentile(0.5),
            "p95_ms": stats.get_response_time_percentile(0.95),
            "p99_ms": stats.get_response_time_percentile(0.99),
            "errors": stats.num_failures,
            "server_errors": len(Shared.server_errors),
            "connection_errors": len(Shared.connection_errors),
            "statuses": {str(k): v for k, v in sorted(Shared.statuses.items())},
            "generation": bool(Shared.model),
            "jobs_created": len(Shared.jobs),
            "jobs_lost": len(lost),
            "database": stack.env["DATABASE_URL"].split(":", 1)[0],
            "broker": stack.env["CELERY_BROKER_URL"].split(":", 1)[0],
            "goal": "no 5xx, no lost job",
        }
        result["pass"] = result["server_errors"] == 0 and not lost
        if Shared.server_errors:
            result["first_server_errors"] = Shared.server_errors[:5]
            result["web_log_tail"] = stack.tail("web.log", 20)
        if Shared.connection_errors:
            result["first_connection_errors"] = Shared.connection_errors[:3]
        if lost:
            result["lost_jobs"] = lost[:10]
        print_table(env)
        return result


def print_table(env) -> None:
    print(f"{'endpoint':<32} {'reqs':>7} {'fails':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name:<32} {entry.num_requests:>7} {entry.num_failures:>6} "
            f"{entry.get_response_time_percentile(0.5):>6.0f} {entry.get_response_time_percentile(0.95):>6.0f} "
            f"{entry.get_response_time_percentile(0.99):>6.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=64, help="concurrent clients (64)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of traffic (60)")
    parser.add_argument(
        "--job-timeout", type=int, default=300, help="seconds for created jobs to finish"
    )
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--web-threads", type=int, default=4)
    args = parser.parse_args()
    result = run(args)
    print("RESULT " + json.dumps(result))
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
