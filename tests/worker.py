"""A real Celery worker process and the tiny models it runs, shared by generation and browser tests.

Registered as a plugin from tests/conftest.py so there is one session worker (and one media folder
the live server and the worker both use), whichever test directory starts it first.
The worker shares the pytest test database (a file on SQLite, the test database on Postgres)
and the configured broker (embedded SQLite by default, Redis in CI via CELERY_BROKER_URL).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from generation.tiny import build_tiny_model

ROOT = Path(__file__).resolve().parents[1]
TINY = "tiny-ltx"


@pytest.fixture(scope="session")
def generation_dirs(tmp_path_factory):
    root = Path(settings.VAR_DIR) / "test-generation"
    models = root / "models"
    media = tmp_path_factory.mktemp("media")
    if not (models / TINY / "model_index.json").exists():
        build_tiny_model(models / TINY, family="ltx")
    if not (models / "tiny-wan" / "model_index.json").exists():
        build_tiny_model(models / "tiny-wan", family="wan")
    return {"models": models, "media": media}


@pytest.fixture
def generation_settings(generation_dirs, settings):
    settings.GENERATION_MODELS_DIR = generation_dirs["models"]
    settings.MEDIA_ROOT = generation_dirs["media"]
    settings.GENERATION_DEFAULT_MODEL = TINY
    settings.GENERATION_FAULT_INJECTION = True
    return settings


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery -A atelier worker -Q gpu,default --pool prefork -c 1` in its own process group."""

    def __init__(self, dirs, log_dir: Path):
        self.dirs = dirs
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.extra_env: dict[str, str] = {}

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            GENERATION_MODELS_DIR=str(self.dirs["models"]),
            ATELIER_MEDIA_ROOT=str(self.dirs["media"]),
            GENERATION_DEFAULT_MODEL=TINY,
            GENERATION_FAULT_INJECTION="1",
            GENERATION_WORKER_STALE_SECONDS="30",
            HF_HUB_OFFLINE="1",
            ATELIER_LOG_FORMAT="plain",
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            OMP_NUM_THREADS="1",
        )
        env.update(self.extra_env)
        return env

    @staticmethod
    def purge() -> None:
        """Drop messages left by earlier runs, before the worker starts (never during)."""
        from atelier.celery import app

        with app.connection_for_write() as conn:
            for queue in ("gpu", "default"):
                with contextlib.suppress(Exception):  # the queue may not exist yet
                    conn.default_channel.queue_purge(queue)

    def start(self, *, purge: bool = False) -> None:
        if purge:
            self.purge()
        self.starts += 1
        log = open(self.log_dir / f"worker-{self.starts}.log", "wb")  # noqa: SIM115
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A", "atelier", "worker", "-Q", "gpu,default", "--pool", "prefork",
            "-c", "1", "--loglevel", "INFO", "-n", f"test{self.starts}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 90) -> None:
        """Until the pool process has started and written its heartbeat row."""
        from generation.models import GenerationWorker

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if GenerationWorker.objects.filter(pid__gt=0).exists() or not self.running():
                break
            time.sleep(0.2)
        assert self.running(), self.log()[-3000:]

    def ensure(self, extra_env: dict[str, str] | None = None) -> "WorkerProcess":
        """Running, with these extra environment variables (restarted if they differ)."""
        extra_env = extra_env or {}
        if self.running() and extra_env != self.extra_env:
            self.stop()
        self.extra_env = extra_env
        if not self.running():
            self.start(purge=self.starts == 0)
            self.wait_ready()
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.running():
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.running():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return (self.log_dir / f"worker-{self.starts}.log").read_text(errors="replace")


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker, generation_dirs, tmp_path_factory):
    worker = WorkerProcess(generation_dirs, tmp_path_factory.mktemp("worker-logs"))
    yield worker
    worker.stop()


@pytest.fixture
def gpu_worker(_worker_process, live_server, transactional_db):
    """A running worker (started once, restarted if a test killed it)."""
    if not _worker_process.running():
        _worker_process.start(purge=_worker_process.starts == 0)
        _worker_process.wait_ready()
    return _worker_process


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting: {message}")
