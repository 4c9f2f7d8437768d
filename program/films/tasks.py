from celery import shared_task

from program.films.services.curation import rounds_release_due


@shared_task(name="program.films.tasks.release_due_rounds")
def release_due_rounds() -> list[int]:
    """Beat: release every round whose notification date has come (idempotent)."""
    return rounds_release_due()
