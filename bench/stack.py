"""Start a private Atelier stack for benchmarks and durability tests: database, gunicorn, worker.

Nothing here touches shared state: a fresh Postgres database (`<base>_<name>`) or a SQLite file in
a temporary folder, the given Redis DB or an embedded SQLite broker in the same folder, free ports.

    with Stack.start(name="load") as stack:
        stack.url, stack.seed["artists"][0]["token"], stack.restart_web()
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SEED_SCRIPT = ROOT / "bench" / "seed.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_admin(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(scheme="postgresql", path="/postgres")), parsed.path.lstrip(
        "/"
    )


def _postgres_drop(url: str, *, create: bool = False) -> None:
    import psycopg

    admin, database = _postgres_admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (database,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        if create:
            conn.execute(f'CREATE DATABASE "{database}"')


def _postgres_database(base_url: str, name: str) -> str:
    """A fresh, empty `<dbname>_<name>` next to the given database; return its URL."""
    parsed = urlparse(base_url)
    database = f"{parsed.path.lstrip('/') or 'atelier'}_{name}"
    url = urlunparse(parsed._replace(path=f"/{database}"))
    _postgres_drop(url, create=True)
    return url


def has_command(name: str) -> bool:
    return any(
        (ROOT / app / "management" / "commands" / f"{name}.py").exists()
        for app in ("generation", "program", "payments")
    )


@dataclass
class Stack:
    name: str
    workdir: Path
    env: dict
    web_workers: int = 2
    web_threads: int = 4
    port: int = field(default_factory=free_port)
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    seed: dict = field(default_factory=dict)
    logs: list = field(default_factory=list)

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def prepare(
        cls,
        *,
        name: str,
        database_url: str | None = None,
        broker_url: str | None = None,
        artists: int = 8,
        web_workers: int = 2,
        web_threads: int = 4,
        settings_module: str = "atelier.settings",
        extra_env: dict | None = None,
    ) -> Stack:
        workdir = Path(tempfile.mkdtemp(prefix=f"atelier-{name}-"))
        database_url = (
            database_url if database_url is not None else os.environ.get("DATABASE_URL", "")
        )
        if database_url.startswith("postgres"):
            database_url = _postgres_database(database_url, name)
        else:
            database_url = f"sqlite:///{workdir / 'atelier.sqlite3'}"
        broker_url = (
            broker_url if broker_url is not None else os.environ.get("CELERY_BROKER_URL", "")
        )
        if not broker_url:
            broker_url = f"sqla+sqlite:///{workdir / 'broker.sqlite3'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        env.update(
            DJANGO_SETTINGS_MODULE=settings_module,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="0",
            ATELIER_STAFF_2FA="0",
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            ATELIER_LOG_LEVEL="WARNING",
            ATELIER_ACCESS_LOG_LEVEL="WARNING",
            ATELIER_LOG_FORMAT="json",
            ATELIER_VAR_DIR=str(workdir / "var"),
            ATELIER_RATE_PER_MINUTE="100000",
            ATELIER_RATE_PER_MINUTE_PER_TESTER="100000",
            ATELIER_MAX_CONCURRENT_JOBS="1000",
            ATELIER_GPU_SECONDS_PER_DAY="10000000",
            GENERATION_MAX_QUEUED_PER_TESTER="1000000",
            GENERATION_MODELS_DIR=str(workdir / "models"),
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=broker_url,
            # A Redis database may be shared (CI's test worker uses it too): private queues.
            CELERY_BROKER_KEY_PREFIX=f"atelier-stack-{name}-{os.getpid()}:",
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
        )
        env.update(extra_env or {})
        stack = cls(
            name=name, workdir=workdir, env=env, web_workers=web_workers, web_threads=web_threads
        )
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("collectstatic", "--noinput", "-v0")
        if has_command("build_tiny_model"):
            stack.manage("build_tiny_model", "tiny-ltx", "--family", "ltx", check=False)
        out = workdir / "seed.json"
        stack.run([sys.executable, str(SEED_SCRIPT), "--artists", str(artists), "--out", str(out)])
        stack.seed = json.loads(out.read_text())
        return stack

    # --- processes ------------------------------------------------------------------------------
    def run(self, command: list[str], *, check: bool = True, timeout: int = 600):
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args: str, check: bool = True):
        return self.run([sys.executable, "manage.py", *args], check=check)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.workdir / log_name, "ab")  # noqa: SIM115 - closed in stop()
        self.logs.append(log)
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self) -> None:
        self.web = self._spawn(
            [
                str(BIN / "gunicorn"),
                "atelier.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.web_workers),
                "--threads",
                str(self.web_threads),
                "--timeout",
                "120",
                "--graceful-timeout",
                "20",
                "--keep-alive",
                "5",
                "--log-level",
                "warning",
            ],
            "web.log",
        )
        self.wait_healthy()

    def start_worker(self, queues: str = "default,gpu") -> None:
        self.worker = self._spawn(
            [
                str(BIN / "celery"),
                "-A",
                "atelier",
                "worker",
                "-Q",
                queues,
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                # Beat runs the periodic safety nets (dispatch, stalled payout batches).
                "--beat",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
                "-n",
                f"{self.name}-{os.getpid()}@%h",
            ],
            "worker.log",
        )

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web is not None and self.web.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.tail('web.log')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:  # noqa: S310 - our own loopback server
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.tail('web.log')}")

    def restart_web(self, *, graceful: bool = True) -> None:
        """Stop gunicorn (SIGTERM: finish in-flight requests; else SIGKILL) and start a new one."""
        self._stop(self.web, signal.SIGTERM if graceful else signal.SIGKILL)
        self.start_web()

    def restart_worker(self, *, graceful: bool = True) -> None:
        self._stop(self.worker, signal.SIGTERM if graceful else signal.SIGKILL)
        self.start_worker()

    @staticmethod
    def _stop(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 30) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def tail(self, log_name: str, lines: int = 40) -> str:
        path = self.workdir / log_name
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    def errors(self, log_name: str, limit: int = 120) -> str:
        """The log's error records and traceback lines, for a failure report."""
        path = self.workdir / log_name
        if not path.exists():
            return ""
        markers = ("error", "exception", "traceback", 'file "')
        lines = [
            line
            for line in path.read_text(errors="replace").splitlines()
            if any(marker in line.lower() for marker in markers)
        ]
        return "\n".join(lines[-limit:])

    def stop(self) -> None:
        self._stop(self.web)
        self._stop(self.worker)
        for log in self.logs:
            log.close()

    def cleanup(self) -> None:
        self.stop()
        if self.env["DATABASE_URL"].startswith("postgres"):
            _postgres_drop(self.env["DATABASE_URL"])
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stack:
        # SIGTERM (e.g. a CI timeout) still stops gunicorn and the worker and drops the database.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()

    # --- HTTP helpers ---------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body=None,
        headers=None,
        timeout=30,
    ):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)  # noqa: S310
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def api_paths(self) -> set[str]:
        status, body = self.request("GET", "/api/schema/?format=json")
        return set(json.loads(body)["paths"]) if status == 200 else set()

    def generation_ready(self) -> bool:
        """True when /v1/models lists at least one usable model."""
        artist = self.seed["artists"][0]["token"]
        status, body = self.request("GET", "/v1/models", token=artist)
        if status != 200:
            return False
        try:
            return bool(json.loads(body).get("data"))
        except ValueError:
            return False
