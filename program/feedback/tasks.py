from celery import shared_task

from program.feedback.services import feedback_close_stale


@shared_task
def feedback_close_stale_task() -> int:
    """Hourly: close needs-info items after 14 days of artist silence (idempotent)."""
    return feedback_close_stale()
