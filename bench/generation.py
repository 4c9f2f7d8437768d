"""Benchmark: a video job through the API and a real Celery worker vs the bare pipeline call.

Run by hand:

    .venv/bin/python bench/generation.py                 # CPU, small random LTX, ~2 s a video
    .venv/bin/python bench/generation.py --cuda-full     # CUDA, full LTX-Video architecture,
                                                         # random weights, 768x512, 121 frames,
                                                         # 8 steps, bf16

It builds its own model, database and broker in a temporary folder, starts a web server in a
thread and `celery -A atelier worker -Q gpu,default --pool prefork -c 1` as a subprocess, then
alternates: one bare `pipe(...)` in this process, one job through POST /v1/videos, with the same
model, parameters and seed. It reports, as medians:

- end-to-end job time (created -> completed, server clock) / bare pipeline time  (goal < 1.10)
- worker overhead = job time in the worker - its pipeline time, as % of pipeline (goal < 3 %)
- queue latency = created -> started
- seconds of video per wall second, bare and through the service

The last line is `RESULT {json}`.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cuda-full", action="store_true", help="full LTX-Video on CUDA, bf16")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default=None, help="WxH (CPU default 128x128)")
    parser.add_argument("--frames", type=int, default=None, help="CPU default 17")
    parser.add_argument("--steps", type=int, default=None, help="default: calibrated to --target")
    parser.add_argument("--target", type=float, default=2.0, help="CPU seconds per video")
    parser.add_argument(
        "--threads", type=int, default=1, help="CPU threads for torch, bare and worker alike"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def setup_environment(args, var_dir: Path) -> None:
    os.environ.update(
        ATELIER_VAR_DIR=str(var_dir),
        DJANGO_DEBUG="1",
        HF_HUB_OFFLINE="1",
        ATELIER_LOG_FORMAT="plain",
        ATELIER_LOG_LEVEL="WARNING",
        GENERATION_MODELS_DIR=str(var_dir / "models"),
        GENERATION_DEFAULT_MODEL="bench",
        ATELIER_GPU_SECONDS_PER_DAY="100000000",
        GENERATION_DEVICE="cuda" if args.cuda_full else "cpu",
        # Its own database and broker in the temporary folder, whatever the shell points at:
        # the measurement is the service's overhead around the pipeline, not a shared server's.
        DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        CELERY_BROKER_URL=f"sqla+sqlite:///{var_dir / 'broker.sqlite3'}",
        REDIS_URL="",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atelier.settings")
    if not args.cuda_full:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)


def build_model(args, var_dir: Path) -> None:
    from generation.tiny import build_tiny_model

    path = var_dir / "models" / "bench"
    build_tiny_model(path, family="ltx", preset="full" if args.cuda_full else "small")
    limits = json.loads((path / "atelier.json").read_text())
    limits.update(fps=24, max_frames=257, max_width=1280, max_height=1280)
    (path / "atelier.json").write_text(json.dumps(limits))


def start_web():
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def start_worker(var_dir: Path):
    log = open(var_dir / "worker.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "atelier", "worker",
         "-Q", "gpu,default", "--pool", "prefork", "-c", "1", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "bench@%h"],
        cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def make_token() -> str:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from program.access.services import token_issue
    from program.models import Program, Tester

    today = timezone.localdate()
    program = Program.objects.create(
        name="Bench", slug="bench", starts_on=today, ends_on=today + timedelta(days=30)
    )
    user = get_user_model().objects.create(username="bench@bench.test", email="bench@bench.test")
    tester = Tester.objects.create(
        program=program, user=user, display_name="Bench", country="FR", status="active"
    )
    return token_issue(tester=tester, name="bench", scopes=["videos:read", "videos:write"]).secret


def run_job(client, params: dict, poll: float = 0.25) -> dict:
    from generation.models import GenerationJob

    core = {key: params[key] for key in ("prompt", "model", "size", "seconds")}
    extra = {key: value for key, value in params.items() if key not in core}
    video = client.videos.create(**core, extra_body=extra)
    video_id = video.id
    while video.status in ("queued", "in_progress"):
        time.sleep(poll)
        video = client.videos.retrieve(video_id)
    if video.status != "completed":
        raise RuntimeError(f"job failed: {video.error}")
    job = GenerationJob.objects.get(public_id=video_id)
    return {
        "job_seconds": (job.finished_at - job.created_at).total_seconds(),
        "queue_seconds": (job.started_at - job.created_at).total_seconds(),
        "worker_seconds": job.gpu_seconds,
        "pipeline_seconds": job.pipeline_seconds,
    }


def main() -> None:
    args = parse_args()
    temp = tempfile.mkdtemp(prefix="atelier-bench-")
    var_dir = Path(temp)
    setup_environment(args, var_dir)
    import django

    django.setup()
    import warnings

    from django.core.management import call_command
    from openai import OpenAI

    warnings.filterwarnings("ignore", category=DeprecationWarning)

    from generation import registry, runner

    call_command("migrate", verbosity=0)
    print("building model…", flush=True)
    build_model(args, var_dir)
    spec = registry.model_get("bench")
    if args.cuda_full:
        width, height, frames, steps = 768, 512, 121, args.steps or 8
    else:
        width, height = (int(v) for v in (args.size or "128x128").split("x"))
        frames, steps = args.frames or 17, args.steps
    fps = spec.fps
    token = make_token()
    server, url = start_web()
    worker = start_worker(var_dir)
    client = OpenAI(base_url=f"{url}/v1", api_key=token, timeout=600, max_retries=0)

    class Job:  # the bare call uses exactly the worker's arguments
        prompt, negative_prompt = "a lighthouse at dusk, waves", ""
        guidance_scale, seed = 3.0, 1234

    job = Job()
    job.width, job.height, job.num_frames, job.fps = width, height, frames, fps
    pipe = runner.pipeline_for(spec)
    device, _ = runner.device_and_dtype()

    def bare() -> float:
        import torch

        kwargs = runner.pipeline_kwargs(job, spec, runner.make_generator(job.seed))
        if device == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        with torch.inference_mode():
            pipe(**kwargs)
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - started

    try:
        if steps is None:  # calibrate: steps so that one bare video takes about --target s
            job.num_inference_steps = 2
            bare()
            two = bare()
            job.num_inference_steps = 6
            six = bare()
            per_step = max(1e-3, (six - two) / 4)
            steps = max(2, min(100, round(2 + (args.target - two) / per_step)))
        job.num_inference_steps = steps
        seconds = f"{frames / fps:.3f}"
        params = {
            "prompt": job.prompt,
            "model": "bench",
            "size": f"{width}x{height}",
            "seconds": seconds,
            "fps": fps,
            "num_inference_steps": steps,
            "guidance_scale": job.guidance_scale,
            "seed": job.seed,
        }
        print(
            f"{device}: {width}x{height}, {frames} frames, {steps} steps; warming up…", flush=True
        )
        run_job(client, params)  # the worker loads the model once
        bare()
        bares, jobs = [], []
        for index in range(args.runs):
            bares.append(bare())
            jobs.append(run_job(client, params))
            print(
                f"run {index + 1}: bare {bares[-1]:.3f}s  job {jobs[-1]['job_seconds']:.3f}s  "
                f"(queue {jobs[-1]['queue_seconds'] * 1000:.0f} ms, worker overhead "
                f"{(jobs[-1]['worker_seconds'] - jobs[-1]['pipeline_seconds']) * 1000:.0f} ms)",
                flush=True,
            )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        server.shutdown()
    med = statistics.median
    bare_s = med(bares)
    job_s = med(j["job_seconds"] for j in jobs)
    pipeline_s = med(j["pipeline_seconds"] for j in jobs)
    overhead_s = med(j["worker_seconds"] - j["pipeline_seconds"] for j in jobs)
    video_seconds = frames / fps
    result = {
        "device": device,
        "size": f"{width}x{height}",
        "frames": frames,
        "steps": steps,
        "runs": args.runs,
        "bare_pipe_s": round(bare_s, 4),
        "job_end_to_end_s": round(job_s, 4),
        "worker_pipeline_s": round(pipeline_s, 4),
        "end_to_end_ratio": round(job_s / bare_s, 4),
        "worker_overhead_s": round(overhead_s, 4),
        "worker_overhead_pct": round(100 * overhead_s / pipeline_s, 2),
        "queue_latency_ms": round(1000 * med(j["queue_seconds"] for j in jobs), 1),
        "video_s_per_wall_s_bare": round(video_seconds / bare_s, 4),
        "video_s_per_wall_s_service": round(video_seconds / job_s, 4),
        "goals_met": job_s / bare_s < 1.10 and overhead_s / pipeline_s < 0.03,
    }
    print(
        f"\nend-to-end / bare: {result['end_to_end_ratio']:.3f} (goal < 1.10)\n"
        f"worker overhead: {result['worker_overhead_s'] * 1000:.0f} ms = "
        f"{result['worker_overhead_pct']:.2f} % of pipeline (goal < 3 %)\n"
        f"queue latency: {result['queue_latency_ms']:.0f} ms\n"
        f"video seconds per wall second: bare {result['video_s_per_wall_s_bare']:.3f}, "
        f"service {result['video_s_per_wall_s_service']:.3f}"
    )
    if not args.keep:
        import shutil

        shutil.rmtree(temp, ignore_errors=True)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
