"""Celery tasks. Both take ids (or nothing), re-read the database and are safe to run twice.

- `generation.dispatch` (queue default): fair-share dispatch; other apps send it by name,
  e.g. when a paused program resumes.
- `generation.run_job` (queue gpu): claims and runs one job on this worker's GPU.

GPU workers run `--pool prefork --concurrency 1` per GPU. Nothing here touches CUDA in the
parent: the pipeline loads lazily inside the pool process (see runner.py).
"""

import logging

from celery import shared_task
from celery.signals import celeryd_after_setup, worker_process_init, worker_process_shutdown
from django.db import close_old_connections

from generation import services

logger = logging.getLogger(__name__)
_worker = {"gpu": True}  # set in the parent before the fork: does this worker serve `gpu`?


@celeryd_after_setup.connect
def _record_queues(sender, instance, **kwargs) -> None:
    _worker["gpu"] = "gpu" in instance.app.amqp.queues.consume_from


@shared_task(name="generation.dispatch", ignore_result=True)
def dispatch() -> list[int]:
    return services.jobs_dispatch()


@shared_task(
    name="generation.run_job",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def run_job(job_id: int) -> str:
    from generation import runner

    try:
        return runner.job_run(job_id)
    finally:
        # The slot is free: hand out the next job at once, in this process.
        services.jobs_dispatch()


@worker_process_init.connect
def _pool_process_start(**kwargs) -> None:
    """In each pool process after the fork: heartbeat, recover jobs of dead workers, dispatch."""
    from generation import runner

    if not _worker["gpu"]:
        return
    close_old_connections()
    try:
        services.workers_forget_dead()
        runner.heartbeat_start()
        recovered = services.jobs_recover_orphans(worker_starting=True)
        if recovered:
            logger.warning("requeued %d job(s) of a dead worker", len(recovered))
        services.jobs_dispatch()
    except Exception:  # a worker must start even if the database is briefly away
        logger.exception("generation worker start-up checks failed")
    finally:
        close_old_connections()


@worker_process_shutdown.connect
def _pool_process_stop(**kwargs) -> None:
    if not _worker["gpu"]:
        return
    try:
        services.worker_retire(name=services.worker_name())
    except Exception:
        logger.exception("could not retire the worker row")
