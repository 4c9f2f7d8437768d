"""The load test's short version (10 s, 64 clients) in CI: no 5xx, no lost job.

The full run is by hand: `.venv/bin/python bench/load.py` (60 s). Uses DATABASE_URL /
CELERY_BROKER_URL when set (a fresh `<db>_load` database on Postgres), private SQLite files
otherwise.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_bench(script: str, *args: str, timeout: int = 480) -> dict:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, (
        f"{script} printed no RESULT line:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return json.loads(lines[-1].removeprefix("RESULT ")) | {"_rc": result.returncode}


@pytest.mark.slow
@pytest.mark.integration
def test_short_load_run_has_no_server_error_and_loses_no_job(capsys):
    result = run_bench("load.py", "--duration", "10", "--users", "64", "--job-timeout", "240")
    with capsys.disabled():
        print(
            f"\nload: {result['requests']} requests, {result['throughput_rps']} req/s, "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
            f"{result['server_errors']} 5xx, {result['jobs_created']} jobs, {result['jobs_lost']} lost"
        )
    assert result["requests"] > 0
    assert result["server_errors"] == 0, result
    assert result["jobs_lost"] == 0, result
    assert result["pass"] and result["_rc"] == 0
