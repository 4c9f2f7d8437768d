"""Restart durability: restart gunicorn (gracefully and by SIGKILL), the worker and the broker while
clients keep writing through the API. Every accepted write exists exactly once afterwards; a write
whose answer was lost in the restart exists at most once; no request gets a 5xx.

Brokers: the embedded SQLite broker (the default; "restarting" it means restarting the worker that
holds it open) and a private redis-server on a free port with an append-only file (the shared Redis
is never touched).

Writes checked (DURABLE_WRITES): invitations now; feedback and generation jobs as soon as their
routes exist. To add one (payouts, webhooks...): append a DurableWrite with
    available(stack) -> bool          is the route there?
    send(stack, key) -> status        one write identified by the unique string `key`
    count                             Python run in the stack's environment that prints
                                      {key: rows} as JSON for every key this test wrote
    settle(stack, keys) -> [key]      optional: keys that never reached a final state (jobs)
"""

import http.client
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bench.stack import Stack, free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KEY_PREFIX = "restart-"


@dataclass
class DurableWrite:
    name: str
    available: Callable
    send: Callable
    count: str
    settle: Callable | None = None


def _staff_headers(stack: Stack) -> dict:
    staff = stack.seed["staff"]
    return {"Cookie": staff["cookie"], "X-CSRFToken": staff["csrf"]}


def _artist(stack: Stack, key: str) -> str:
    artists = stack.seed["artists"]
    return artists[hash(key) % len(artists)]["token"]


def _count_snippet(model_import: str, model: str, field_name: str) -> str:
    return (
        "import django, json; django.setup()\n"
        "from django.db.models import Count\n"
        f"from {model_import} import {model}\n"
        f"rows = {model}.objects.filter({field_name}__startswith='{KEY_PREFIX}')"
        f".values('{field_name}').annotate(n=Count('id'))\n"
        f"print(json.dumps({{r['{field_name}'].split('@')[0]: r['n'] for r in rows}}))\n"
    )


def _jobs_unsettled(stack: Stack, keys: list[str], timeout: float = 180) -> list[str]:
    snippet = (
        "import django, json; django.setup()\n"
        "from generation.models import GenerationJob\n"
        f"rows = GenerationJob.objects.filter(prompt__startswith='{KEY_PREFIX}')"
        ".exclude(status__in=['completed', 'failed', 'cancelled']).values_list('prompt', flat=True)\n"
        "print(json.dumps(sorted(rows)))\n"
    )
    deadline = time.monotonic() + timeout
    while True:
        pending = json.loads(stack.run([sys.executable, "-c", snippet]).stdout)
        if not pending or time.monotonic() > deadline:
            return [p for p in pending if p in keys]
        time.sleep(2)


DURABLE_WRITES = [
    DurableWrite(
        name="invitations",
        available=lambda stack: "/api/invitations/" in stack.api_paths(),
        send=lambda stack, key: stack.request(
            "POST",
            "/api/invitations/",
            body={"email": f"{key}@restart.test", "name": key, "country": "FR"},
            headers=_staff_headers(stack),
            timeout=20,
        )[0],
        count=_count_snippet("program.models", "Invitation", "email"),
    ),
    DurableWrite(
        name="feedback",
        available=lambda stack: "/api/feedback/" in stack.api_paths(),
        send=lambda stack, key: stack.request(
            "POST",
            "/api/feedback/",
            token=_artist(stack, key),
            body={"kind": "idea", "title": key, "body": "Written during a restart."},
            timeout=20,
        )[0],
        count=_count_snippet("program.feedback.models", "Feedback", "title"),
    ),
    DurableWrite(
        name="jobs",
        available=lambda stack: stack.generation_ready(),
        send=lambda stack, key: stack.request(
            "POST",
            "/v1/videos",
            token=_artist(stack, key),
            body={"prompt": key, "seconds": "1", "size": "64x64"},
            timeout=20,
        )[0],
        count=_count_snippet("generation.models", "GenerationJob", "prompt"),
        settle=_jobs_unsettled,
    ),
    # Payouts (payments): `pay_batch` killed between recording and the provider call, rerun;
    # webhooks: the same Stripe event delivered during a web restart. Add them here when routed.
]


@dataclass
class Outcomes:
    accepted: set = field(default_factory=set)
    ambiguous: set = field(default_factory=set)  # no answer: the connection died in a restart
    refused: dict = field(default_factory=dict)  # key -> 4xx
    server_errors: dict = field(default_factory=dict)  # key -> 5xx
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(
    stack: Stack, write: DurableWrite, worker_index: int, stop: threading.Event, out: Outcomes
):
    number = 0
    while not stop.is_set():
        key = f"{KEY_PREFIX}{write.name}-{worker_index}-{number}"
        number += 1
        try:
            status = write.send(stack, key)
        except (OSError, http.client.HTTPException):
            with out.lock:
                out.ambiguous.add(key)
            time.sleep(0.2)
            continue
        with out.lock:
            if 200 <= status < 300:
                out.accepted.add(key)
            elif status >= 500:
                out.server_errors[key] = status
            else:
                out.refused[key] = status
        time.sleep(0.02)


class PrivateRedis:
    """A redis-server of our own, persisting every write, restartable on the same port."""

    def __init__(self, workdir):
        self.port, self.workdir, self.process = free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
                ).stdout.strip()
                == b"PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


BROKERS = [
    pytest.param("embedded", id="embedded-sqlite-broker"),
    pytest.param(
        "redis",
        id="private-redis-broker",
        marks=pytest.mark.skipif(
            not shutil.which("redis-server"), reason="redis-server not installed"
        ),
    ),
]


@pytest.mark.parametrize("broker", BROKERS)
def test_restarts_lose_and_duplicate_no_accepted_write(broker, tmp_path, capsys):
    redis = None
    if broker == "redis":
        redis = PrivateRedis(tmp_path)
        redis.start()
    stack = Stack.prepare(
        name=f"restart_{broker}", artists=4, broker_url=redis.url if redis else ""
    )
    try:
        stack.start_worker()
        stack.start_web()
        writes = [w for w in DURABLE_WRITES if w.available(stack)]
        assert writes, "no durable write is routed"
        outcomes = {w.name: Outcomes() for w in writes}
        stop = threading.Event()
        threads = [
            threading.Thread(target=writer, args=(stack, w, i, stop, outcomes[w.name]), daemon=True)
            for w in writes
            for i in range(3)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)
        stack.restart_web(graceful=True)
        time.sleep(1.5)
        stack.restart_web(graceful=False)
        time.sleep(1.5)
        if redis:
            redis.restart()
        stack.restart_worker(graceful=False)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        report = []
        for write in writes:
            out = outcomes[write.name]
            rows = json.loads(stack.run([sys.executable, "-c", write.count]).stdout)
            lost = sorted(k for k in out.accepted if rows.get(k, 0) == 0)
            duplicated = sorted(k for k, n in rows.items() if n > 1)
            unsettled = write.settle(stack, sorted(out.accepted)) if write.settle else []
            report.append(
                f"{write.name}: {len(out.accepted)} accepted, {len(out.ambiguous)} unanswered, "
                f"{len(lost)} lost, {len(duplicated)} duplicated, {len(out.server_errors)} 5xx, "
                f"{len(out.refused)} refused, {len(unsettled)} unsettled"
            )
            assert out.accepted, f"{write.name}: nothing was accepted"
            assert not lost, f"{write.name}: accepted but lost: {lost[:10]}"
            assert not duplicated, f"{write.name}: duplicated: {duplicated[:10]}"
            assert not out.server_errors, (
                f"{write.name}: 5xx: {list(out.server_errors.items())[:10]}"
            )
            assert not out.refused, f"{write.name}: refused: {list(out.refused.items())[:10]}"
            assert not unsettled, f"{write.name}: never reached a final state: {unsettled[:10]}"
        with capsys.disabled():
            print(f"\nrestart durability ({broker} broker): " + "; ".join(report))
    except BaseException:
        with capsys.disabled():
            for log in ("web.log", "worker.log"):
                print(f"\n--- {log}: errors ---\n{stack.errors(log)}")
        raise
    finally:
        stack.cleanup()
        if redis:
            redis.stop()
