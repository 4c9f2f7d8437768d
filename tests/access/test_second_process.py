"""Revocation is visible at once to other processes: no cache outlives a revoke.

Runs a real gunicorn server (two worker processes) and revokes the token from a third process,
all on one database of their own: a SQLite file, or a fresh Postgres database when the suite
runs on Postgres (DATABASE_URL).
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import datetime
from django.utils import timezone
from program.models import Program, Tester
from program.services.testers import tester_create
from program.access.services import token_issue
today = timezone.localdate()
program = Program.objects.create(name="P", slug="p", starts_on=today - datetime.timedelta(days=1),
                                 ends_on=today + datetime.timedelta(days=90))
tester = tester_create(program=program, email="two@process.test", display_name="Two", country="FR")
Tester.objects.filter(pk=tester.pk).update(status="active")
tester.refresh_from_db()
print(token_issue(tester=tester, name="t", scopes=["videos:read"]).secret)
"""
REVOKE = """
from program.access.models import AccessToken
from program.access.services import token_revoke
token_revoke(token=AccessToken.objects.get(), reason="revoked by another process")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_database(tmp_path):
    """A database URL only this test uses; dropped afterwards."""
    outer = os.environ.get("DATABASE_URL", "")
    if not outer.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'two-process.sqlite3'}"
        return
    import psycopg

    base, _, _ = outer.rpartition("/")
    name = f"atelier_tokens_proc_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env, *args, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_revocation_is_seen_by_every_process_at_once(tmp_path, own_database):
    env = {
        **os.environ,
        "DATABASE_URL": own_database,
        "DJANGO_DEBUG": "1",
        "ATELIER_VAR_DIR": str(tmp_path),
        "ATELIER_LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
    }
    _manage(env, "migrate", "--noinput")
    secret = _manage(env, "shell", stdin=SETUP).strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "atelier.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/me/"
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url, headers=headers, timeout=15).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # workers still booting (slow on a busy machine)
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        assert {requests.get(url, headers=headers, timeout=15).status_code for _ in range(6)} == {
            200
        }

        _manage(env, "shell", stdin=REVOKE)

        after = [requests.get(url, headers=headers, timeout=15) for _ in range(6)]
        assert {r.status_code for r in after} == {401}
        assert {r.json()["error"]["code"] for r in after} == {"token_revoked"}
    finally:
        server.terminate()
        server.wait(timeout=30)
