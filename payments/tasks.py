"""Celery tasks take ids, re-fetch and call a service; each is safe to run twice."""

import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send `task` once the transaction commits. If the broker cannot take it, run it here
    rather than leave a period or batch stuck (the work is idempotent either way)."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Broker refused %s%s; running it in-process", task.name, args)
            task.apply(args=args)

    transaction.on_commit(send)


@shared_task(acks_late=True)
def period_close(period_id: int) -> None:
    from payments.selectors import transparency_compute
    from payments.services.payouts import period_close_run

    period = period_close_run(period_id=period_id)
    transparency_compute(program=period.program, store=True)


@shared_task(acks_late=True)
def batch_pay(batch_id: int) -> None:
    from payments.services.payouts import batch_pay_run

    batch_pay_run(batch_id=batch_id)


@shared_task
def transparency_refresh(program_id: int) -> None:
    from payments.selectors import transparency_compute
    from program.models import Program

    transparency_compute(program=Program.objects.get(pk=program_id), store=True)


@shared_task(name="payments.batches_resume")
def batches_resume() -> list[int]:
    """Send `batch_pay` again for batches whose run died; paying twice is impossible (each
    payout is claimed under a row lock and Stripe transfers carry the payout's idempotency key)."""
    from django.conf import settings

    from payments.selectors import batches_stalled

    stalled = batches_stalled(idle_seconds=settings.PAYMENTS_BATCH_STALE_SECONDS)
    for batch_id in stalled:
        logger.warning("payout batch %s stalled while paying; resuming it", batch_id)
        batch_pay.delay(batch_id)
    return stalled


@shared_task(name="payments.stipends_accrue_due")
def stipends_accrue_due() -> dict[int, int]:
    """Accrue last month's stipends once it has ended; a rerun finds nobody due."""
    from payments.services.stipends import stipends_accrue_due as accrue

    return accrue()
