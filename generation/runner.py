"""What a GPU worker process does with one job: load (once), generate, export, record.

Runs only inside a Celery pool process. torch and CUDA are imported lazily here, after the
fork, and the pipeline stays loaded in a module global so the second job pays no load time.
"""

import gc
import json
import logging
import math
import os
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from generation import registry, services

logger = logging.getLogger(__name__)

# Denoising fills progress up to this; decode and export take the rest.
DENOISE_SHARE = 90
SPRITE_FRAMES = 16
SPRITE_COLUMNS = 4
SPRITE_WIDTH = 160
RECOVER_EVERY_BEATS = 3


class JobStopped(Exception):
    """Raised from the step callback: the job was cancelled or taken away. Skips the decode."""


_loaded: dict = {"name": None, "pipe": None, "device": None}
_heartbeat: dict = {"thread": None, "name": None}


# --- Device and pipeline ------------------------------------------------------------------------


def device_and_dtype():
    import torch

    wanted = settings.GENERATION_DEVICE
    use_cuda = wanted == "cuda" or (wanted == "auto" and torch.cuda.is_available())
    device = "cuda" if use_cuda else "cpu"
    names = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
    dtype = names.get(settings.GENERATION_DTYPE) or (torch.bfloat16 if use_cuda else torch.float32)
    return device, dtype


def pipeline_unload() -> None:
    _loaded.update(name=None, pipe=None)
    gc.collect()
    _cuda_free()


def _cuda_free() -> None:
    import torch

    if _loaded.get("device") == "cuda" and torch.cuda.is_available():
        torch.cuda.empty_cache()


def pipeline_for(spec: registry.ModelSpec):
    """The loaded pipeline for `spec`, loading it the first time (one model resident)."""
    if _loaded["name"] == spec.name and _loaded["pipe"] is not None:
        return _loaded["pipe"]
    pipeline_unload()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from diffusers import DiffusionPipeline

    device, dtype = device_and_dtype()
    started = time.monotonic()
    pipe = DiffusionPipeline.from_pretrained(str(spec.path), dtype=dtype)
    if settings.GENERATION_CPU_OFFLOAD and device == "cuda":
        pipe.enable_model_cpu_offload()
    else:
        pipe.to(device)
    if settings.GENERATION_VAE_TILING and hasattr(pipe, "vae"):
        pipe.vae.enable_tiling()
    pipe.set_progress_bar_config(disable=True)
    _loaded.update(name=spec.name, pipe=pipe, device=device)
    logger.info("loaded model %s on %s in %.1fs", spec.name, device, time.monotonic() - started)
    return pipe


def pipeline_kwargs(job, spec: registry.ModelSpec, generator) -> dict:
    """The arguments for pipe(...), shared with the benchmark's bare call."""
    kwargs = {
        "prompt": job.prompt,
        "width": job.width,
        "height": job.height,
        "num_frames": job.num_frames,
        "num_inference_steps": job.num_inference_steps,
        "guidance_scale": job.guidance_scale,
        "generator": generator,
        "output_type": "np",
        **spec.family.call_options,
    }
    if job.negative_prompt:
        kwargs["negative_prompt"] = job.negative_prompt
    if spec.family.name == "ltx":
        kwargs["frame_rate"] = job.fps
    return kwargs


def make_generator(seed: int):
    import torch

    device, _ = device_and_dtype()
    return torch.Generator(device="cpu" if settings.GENERATION_CPU_OFFLOAD else device).manual_seed(
        seed
    )


# --- Heartbeat ----------------------------------------------------------------------------------


def heartbeat_start(interval: float = 5.0) -> None:
    """A daemon thread that marks this process alive; staff see it, and dead workers' jobs
    are recovered when it stops."""
    if _heartbeat["thread"] is not None:
        return
    name = services.worker_name()

    def beat():
        beats = 0
        while True:
            try:
                services.worker_heartbeat(name=name)
                beats += 1
                if beats % RECOVER_EVERY_BEATS == 0:
                    # Frees the jobs of workers that went silent, and hands them out again.
                    services.jobs_dispatch()
            except Exception:  # the next beat retries; never kill the worker
                logger.exception("heartbeat failed")
            finally:
                close_old_connections()
            time.sleep(interval)

    services.worker_heartbeat(name=name)
    thread = threading.Thread(target=beat, name="generation-heartbeat", daemon=True)
    thread.start()
    _heartbeat.update(thread=thread, name=name)


# --- Output -------------------------------------------------------------------------------------


def provenance(job) -> dict:
    return {
        "atelier_job": job.public_id,
        "model": job.model,
        "seed": job.seed,
        "prompt_sha256": services.prompt_hash(job.prompt),
    }


def write_outputs(frames, job, folder: Path) -> dict[str, Path]:
    """MP4 (with provenance metadata), WebP poster and JPEG spritesheet, written in `folder`."""
    import av
    import numpy as np
    from PIL import Image

    frames = [(np.clip(frame, 0, 1) * 255).round().astype(np.uint8) for frame in frames]
    video = folder / "video.mp4"
    # H.264 (yuv420p) in MP4, as diffusers' export_to_video makes through imageio-ffmpeg, but
    # encoded in-process with PyAV (the same FFmpeg libraries): no ffmpeg process per job.
    with av.open(str(video), "w", options={"movflags": "+faststart"}) as container:
        container.metadata["comment"] = json.dumps(provenance(job))
        stream = container.add_stream("libx264", rate=job.fps)
        stream.width, stream.height, stream.pix_fmt = job.width, job.height, "yuv420p"
        stream.options = {"preset": settings.GENERATION_X264_PRESET, "crf": "20"}
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode(None))
    thumbnail = folder / "thumbnail.webp"
    Image.fromarray(frames[len(frames) // 2]).save(thumbnail, "WEBP", quality=85)

    step = max(1, math.ceil(len(frames) / SPRITE_FRAMES))
    picked = frames[::step][:SPRITE_FRAMES]
    scale = min(1.0, SPRITE_WIDTH / job.width)
    tile_w, tile_h = max(1, round(job.width * scale)), max(1, round(job.height * scale))
    columns = min(SPRITE_COLUMNS, len(picked))
    rows = math.ceil(len(picked) / columns)
    sheet = Image.new("RGB", (tile_w * columns, tile_h * rows))
    for index, frame in enumerate(picked):
        tile = Image.fromarray(frame).resize((tile_w, tile_h))
        sheet.paste(tile, ((index % columns) * tile_w, (index // columns) * tile_h))
    spritesheet = folder / "spritesheet.jpg"
    sheet.save(spritesheet, "JPEG", quality=85)
    return {"video": video, "thumbnail": thumbnail, "spritesheet": spritesheet}


def _move_into_place(job, written: dict[str, Path]) -> dict[str, str]:
    names = services.output_paths(job)
    for field, path in written.items():
        target = Path(settings.MEDIA_ROOT) / names[field]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)  # same filesystem: atomic, never half a file
    return names


def _remove(names: dict[str, str]) -> None:
    for name in names.values():
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)


# --- Running a job ------------------------------------------------------------------------------


def _fault(job, name: str) -> bool:
    return settings.GENERATION_FAULT_INJECTION and f"[[simulate:{name}]]" in job.prompt


def _callback_for(job, total_steps: int):
    import torch

    state = {"last": time.monotonic()}
    interval = settings.GENERATION_PROGRESS_INTERVAL

    def on_step_end(pipe, step, timestep, callback_kwargs):
        if _fault(job, "oom"):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated).")
        if _fault(job, "slow"):
            time.sleep(0.25)
        now = time.monotonic()
        if now - state["last"] >= interval:
            state["last"] = now
            progress = math.floor((step + 1) * DENOISE_SHARE / total_steps)
            if not services.job_progress_update(job=job, progress=progress):
                raise JobStopped
        return callback_kwargs

    return on_step_end


def job_run(job_id: int) -> str:
    """Claim and run one job. Returns what happened; never raises for a job's own failure."""
    import torch

    worker = services.worker_name()
    job = services.job_claim(job_id=job_id, worker=worker)
    if job is None:
        return "skipped"
    started = time.monotonic()
    folder = Path(settings.MEDIA_ROOT) / "tmp" / f"{job.public_id}-{job.attempts}-{os.getpid()}"
    outcome = "failed"
    try:
        spec = registry.model_get(job.model)
        if spec is None:
            raise LookupError(f"Model {job.model!r} is not installed on this worker.")
        pipe = pipeline_for(spec)
        if not services.job_progress_update(job=job, progress=0):
            raise JobStopped
        folder.mkdir(parents=True, exist_ok=True)
        kwargs = pipeline_kwargs(job, spec, make_generator(job.seed))
        pipe_started = time.monotonic()
        with torch.inference_mode():
            result = pipe(
                **kwargs,
                callback_on_step_end=_callback_for(job, job.num_inference_steps),
                callback_on_step_end_tensor_inputs=["latents"],
            )
        pipeline_seconds = time.monotonic() - pipe_started
        written = write_outputs(result.frames[0], job, folder)
        del result
        names = _move_into_place(job, written)
        if services.job_complete(
            job=job,
            files=names,
            gpu_seconds=time.monotonic() - started,
            pipeline_seconds=pipeline_seconds,
        ):
            outcome = "completed"
        else:
            _remove(names)
            services.job_finish_unsuccessful(
                job=job, code="cancelled", message="Cancelled.", gpu_seconds=0
            )
            outcome = "cancelled"
    except JobStopped:
        services.job_finish_unsuccessful(
            job=job,
            code="cancelled",
            message="Cancelled.",
            gpu_seconds=time.monotonic() - started,
        )
        outcome = "cancelled"
    except torch.cuda.OutOfMemoryError:
        logger.warning("job %s ran out of GPU memory", job.public_id)
        gc.collect()
        _cuda_free()
        services.job_finish_unsuccessful(
            job=job,
            code="out_of_memory",
            message="The GPU ran out of memory. Try a smaller size or fewer seconds.",
        )
    except Exception as exc:
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(exc, SoftTimeLimitExceeded):
            code, message = "timeout", "The job took longer than the time limit."
        else:
            logger.exception("job %s failed", job.public_id)
            code, message = "generation_error", f"{type(exc).__name__}: {exc}"
        services.job_finish_unsuccessful(job=job, code=code, message=message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    logger.info("job %s %s in %.2fs", job.public_id, outcome, time.monotonic() - started)
    return outcome
