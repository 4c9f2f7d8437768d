"""Run every benchmark in bench/ and write one Markdown table to bench/results/LATEST.md.

    bench/run_all                    # or: make bench
    bench/run_all load               # only scripts whose name contains "load"

A benchmark is any bench/*.py script (except the helpers listed in HELPERS and modules starting with "_") that prints a final
line `RESULT {json}` with at least "name" and "pass"; "ratio" and "goal" are shown when present,
and every other number becomes a key figure. Extra arguments per script: BENCH_ARGS below.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
HELPERS = {"run_all.py", "stack.py", "seed.py", "settings.py", "urls.py", "views.py", "__init__.py"}
# generation.py calibrates its steps to ~2 s; on a busy machine the calibration can land far off,
# so run_all pins the step count measured here (27 steps of 128x128x17 ≈ 2.4 s on this CPU).
BENCH_ARGS: dict[str, list[str]] = {"generation.py": ["--steps", "27", "--runs", "3"]}
SKIP_KEYS = {"name", "pass", "ratio", "goal", "skipped", "reason", "statuses", "web_log_tail"}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, IndexError, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def figures(result: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in result.items():
        if key in SKIP_KEYS or key.startswith("_"):
            continue
        if isinstance(value, dict):
            out += figures(value, f"{prefix}{key}.")
        elif (isinstance(value, int | float) and not isinstance(value, bool)) or (
            isinstance(value, str) and len(value) <= 40
        ):
            out.append(f"{prefix}{key}={value}")
    return out


def run(script: Path) -> dict:
    started = time.monotonic()
    proc = subprocess.run(
        [
            str(PYTHON if PYTHON.exists() else sys.executable),
            str(script),
            *BENCH_ARGS.get(script.name, []),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        result = {"name": script.stem, "pass": False, "error": " / ".join(tail)[:300]}
    else:
        result = json.loads(lines[-1].removeprefix("RESULT "))
        # Older scripts name themselves "bench" and report "goal_met"; read both spellings.
        result.setdefault("name", result.pop("bench", script.stem))
        for key in ("goal_met", "goals_met"):
            if "pass" not in result and key in result:
                result["pass"] = result.pop(key)
        for key in ("end_to_end_ratio", "ratio_p50"):
            if "ratio" not in result and key in result:
                result["ratio"] = result[key]
    result["_seconds"] = round(time.monotonic() - started)
    print(
        f"{script.name}: {'skipped' if result.get('skipped') else 'pass' if result.get('pass') else 'FAIL'}"
    )
    return result


def main() -> int:
    wanted = sys.argv[1:]
    scripts = sorted(
        p
        for p in BENCH.glob("*.py")
        if p.name not in HELPERS
        and not p.name.startswith("_")
        and (not wanted or any(w in p.stem for w in wanted))
    )
    results = [run(script) for script in scripts]
    rows = []
    for result in results:
        verdict = (
            "skipped" if result.get("skipped") else ("pass" if result.get("pass") else "**FAIL**")
        )
        detail = result.get("reason") or result.get("error") or ", ".join(figures(result))
        ratio = result.get("ratio")
        rows.append(
            f"| {result['name']} | {verdict} | {'' if ratio is None else ratio} | {result.get('goal', '')} | {detail} |"
        )
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {machine()}",
            f"- Database: {os.environ.get('DATABASE_URL', 'sqlite (private file)').split('@')[-1]}; "
            f"broker: {os.environ.get('CELERY_BROKER_URL', 'embedded sqlite').split('@')[-1]}",
            "",
            "| Benchmark | Result | Ratio | Goal | Key figures |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    out = BENCH / "results" / "LATEST.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(text)
    return 0 if all(r.get("pass") in (True, None) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
