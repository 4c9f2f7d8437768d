from celery import shared_task

from program.access.usage import token_usage_prune


@shared_task(name="access.prune_token_usage")
def prune_token_usage() -> dict:
    """Hourly (CELERY_BEAT_SCHEDULE): idempotent, safe to run twice."""
    return token_usage_prune()
