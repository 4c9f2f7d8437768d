"""Celery tasks take ids, re-fetch and call a service; each is safe to run twice."""

from celery import shared_task


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
