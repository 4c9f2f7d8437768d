"""Program-wide pause: the last resort, fair to artists.

While paused, new generation requests are refused with 503 `program_paused` (generation calls
`pause_guard(program)`); queued jobs are held and the dispatcher is woken on resume. Reads,
feedback, films and statements keep working. Payments read `ProgramPause` rows
(`pause_periods`) so stipends keep accruing during a pause.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from atelier.errors import Conflict, ServiceError, Unavailable
from program.access.audit import audit_record
from program.access.models import ProgramPause
from program.models import Program

PAUSE_NOTICE = (
    "Your stipend keeps accruing; reads, feedback, films and statements keep working. "
    "Queued videos are held and run after the program resumes."
)


def pause_guard(program: Program) -> None:
    """Raise 503 `program_paused`, with the reason, while the program is paused."""
    if program.status == Program.Status.PAUSED:
        reason = program.pause_reason or "no reason given"
        raise Unavailable(
            f"Generation is paused for the whole program: {reason}. {PAUSE_NOTICE}",
            code="program_paused",
        )


@transaction.atomic
def program_pause(
    *, program: Program, actor, reason: str, ip_address: str | None = None
) -> ProgramPause:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "Give a reason; artists will see it.", field="reason", code="reason_required"
        )
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Program.Status.PAUSED:
        raise Conflict("The program is already paused.", code="already_paused")
    if program.status != Program.Status.ACTIVE:
        raise Conflict("Only an active program can be paused.", code="program_not_active")
    now = timezone.now()
    program.status = Program.Status.PAUSED
    program.paused_at = now
    program.pause_reason = reason
    program.save(update_fields=["status", "paused_at", "pause_reason"])
    pause = ProgramPause.objects.create(
        program=program, started_at=now, reason=reason, started_by=actor
    )
    audit_record(
        action="program.paused",
        actor=actor,
        ip_address=ip_address,
        target=program,
        reason=reason,
        data={"pause": pause.pk},
    )
    return pause


@transaction.atomic
def program_resume(
    *, program: Program, actor, ip_address: str | None = None, reason: str = ""
) -> ProgramPause:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != Program.Status.PAUSED:
        raise Conflict("The program is not paused.", code="not_paused")
    now = timezone.now()
    pause = ProgramPause.objects.select_for_update().filter(program=program, ended_at=None).first()
    if pause is None:  # paused by hand in the admin: keep the history whole anyway
        pause = ProgramPause.objects.create(
            program=program,
            started_at=program.paused_at or now,
            reason=program.pause_reason or "Paused outside Atelier",
        )
    pause.ended_at = now
    pause.ended_by = actor
    pause.save(update_fields=["ended_at", "ended_by"])
    program.status = Program.Status.ACTIVE
    program.paused_at = None
    program.pause_reason = ""
    program.save(update_fields=["status", "paused_at", "pause_reason"])
    audit_record(
        action="program.resumed",
        actor=actor,
        ip_address=ip_address,
        target=program,
        reason=reason,
        data={"pause": pause.pk, "paused_seconds": int((now - pause.started_at).total_seconds())},
    )
    transaction.on_commit(_wake_dispatcher)
    return pause


def _wake_dispatcher() -> None:
    """Held jobs run again: the generation app's dispatcher picks them up."""
    from atelier.celery import app as celery_app

    celery_app.send_task("generation.dispatch")


def pause_periods(*, program: Program, start: datetime, end: datetime) -> list[tuple]:
    """(start, end) of each pause overlapping [start, end), clipped; an open pause ends at `end`."""
    pauses = ProgramPause.objects.filter(program=program, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    return [
        (max(p.started_at, start), min(p.ended_at or end, end))
        for p in pauses.order_by("started_at")
    ]
