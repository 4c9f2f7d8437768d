"""Films: upload or assembly, submission, withdrawal, credit lines."""

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError
from generation.models import GenerationJob
from program.films import media
from program.films.models import Film, FilmProvenance, FilmStatusChange, Round
from program.films.services.common import clean_text, notify_artist
from program.models import Tester

STATUS_MESSAGES = {
    Film.Status.SUBMITTED: "Your film was submitted",
    Film.Status.IN_REVIEW: "Your film is being reviewed",
    Film.Status.WITHDRAWN: "Your film was withdrawn",
}


def _require_active(tester: Tester) -> None:
    if tester.status != Tester.Status.ACTIVE:
        raise NotAllowed("Only active members submit films.", code="not_active")


def film_move(*, film: Film, to_status: str, actor, reason: str = "", notify: bool = True) -> Film:
    """Move a film along its lifecycle and record the change. Callers hold the row lock."""
    if film.status == to_status:
        return film
    if not film.can_move_to(to_status):
        raise Conflict(
            f"A {film.get_status_display().lower()} film cannot become {to_status}.",
            field="status",
            code="invalid_transition",
        )
    from_status = film.status
    now = timezone.now()
    film.status = to_status
    film.status_changed_at = now
    if to_status == Film.Status.SUBMITTED:
        film.submitted_at = now
    film.save(update_fields=["status", "status_changed_at", "submitted_at", "round"])
    FilmStatusChange.objects.create(
        film=film, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    if notify and to_status in STATUS_MESSAGES:
        notify_artist(
            film,
            kind=f"film.{to_status}",
            title=f"{STATUS_MESSAGES[to_status]}: {film.title}",
            body=reason,
        )
    return film


def _clean_fields(*, title, description, credits) -> dict:
    return {
        "title": clean_text(title, field="title", max_length=200, required=True),
        "description": clean_text(description, field="description", max_length=5000),
        "credits": clean_text(credits, field="credits", max_length=2000),
    }


def _create(*, tester, fields, source, video_path, info, actor, jobs=()) -> Film:
    """Save the files and the rows together; if anything fails, the stored files are removed."""
    film = Film(program=tester.program, tester=tester, source=source, **fields)
    film.codec, film.width, film.height = info.codec, info.width, info.height
    film.duration_ms, film.size_bytes = info.duration_ms, info.size_bytes
    try:
        with transaction.atomic():
            with video_path.open("rb") as handle:
                film.video.save("film.mp4", File(handle), save=False)
            film.poster.save("poster.jpg", ContentFile(info.poster_jpeg), save=False)
            film.save()
            FilmStatusChange.objects.create(
                film=film,
                from_status="",
                to_status=Film.Status.DRAFT,
                actor=actor,
                reason="Created",
            )
            FilmProvenance.objects.bulk_create(
                FilmProvenance(
                    film=film,
                    job=job,
                    position=position,
                    job_public_id=job.public_id,
                    model=job.model,
                    prompt=job.prompt,
                    seed=job.seed,
                    seconds=job.seconds,
                    size=job.size,
                )
                for position, job in enumerate(jobs)
            )
    except BaseException:
        for field in (film.video, film.poster):
            if field.name:
                field.storage.delete(field.name)
        raise
    return film


def film_create_upload(
    *, tester: Tester, title: str, description: str = "", credits: str = "", upload, actor=None
) -> Film:
    """A film from an uploaded MP4: real type, codec, size and duration checked; poster made."""
    _require_active(tester)
    fields = _clean_fields(title=title, description=description, credits=credits)
    path = media.spool_upload(upload)
    try:
        info = media.probe(path)
        return _create(
            tester=tester,
            fields=fields,
            source=Film.Source.UPLOAD,
            video_path=path,
            info=info,
            actor=actor or tester.user,
        )
    finally:
        path.unlink(missing_ok=True)


def film_create_from_jobs(
    *,
    tester: Tester,
    title: str,
    description: str = "",
    credits: str = "",
    job_ids: list[str],
    actor=None,
) -> Film:
    """A film assembled, in the given order, from the artist's own completed generations."""
    _require_active(tester)
    fields = _clean_fields(title=title, description=description, credits=credits)
    job_ids = [str(job_id).strip() for job_id in job_ids or [] if str(job_id).strip()]
    if not job_ids:
        raise ServiceError("Choose at least one generation.", field="jobs", code="required")
    if len(job_ids) > settings.ATELIER_FILM_MAX_CLIPS:
        raise ServiceError(
            f"At most {settings.ATELIER_FILM_MAX_CLIPS} clips.", field="jobs", code="too_many"
        )
    jobs = {
        job.public_id: job
        for job in GenerationJob.objects.filter(
            public_id__in=job_ids, tester=tester, deleted_at__isnull=True
        )
    }
    for job_id in job_ids:
        job = jobs.get(job_id)
        # Someone else's job and a missing one read the same: nothing leaks.
        if job is None:
            raise ServiceError(f"No generation {job_id} of yours.", field="jobs", code="not_found")
        if job.status != GenerationJob.Status.COMPLETED or not job.video:
            raise ServiceError(
                f"Generation {job_id} has no finished video.", field="jobs", code="not_completed"
            )
    total = sum(float(jobs[job_id].seconds) for job_id in job_ids)
    if total > settings.ATELIER_FILM_MAX_SECONDS:
        # Refused before spending any time encoding.
        raise ServiceError(
            f"The clips run {total:.1f} s; the limit is {settings.ATELIER_FILM_MAX_SECONDS} s.",
            field="jobs",
            code="too_long",
        )
    clips = []
    output = None
    try:
        for job_id in job_ids:
            clips.append(media.copy_to_temp(jobs[job_id].video))
        output = media.assemble(clips)
        info = media.probe(output, field="jobs")
        return _create(
            tester=tester,
            fields=fields,
            source=Film.Source.ASSEMBLED,
            video_path=output,
            info=info,
            actor=actor or tester.user,
            jobs=[jobs[job_id] for job_id in job_ids],
        )
    finally:
        for path in [*clips, output]:
            if path is not None:
                path.unlink(missing_ok=True)


def _lock(film: Film) -> Film:
    return (
        Film.objects.select_for_update(of=("self",)).select_related("tester__user").get(pk=film.pk)
    )


def _own(film: Film, tester: Tester) -> None:
    if film.tester_id != tester.pk:
        raise NotAllowed("This is not your film.")


@transaction.atomic
def film_update(*, film: Film, tester: Tester, title=None, description=None, credits=None) -> Film:
    film = _lock(film)
    _own(film, tester)
    if film.status != Film.Status.DRAFT:
        raise Conflict("Only a draft can be edited.", field="status", code="not_draft")
    current = {"title": film.title, "description": film.description, "credits": film.credits}
    given = {"title": title, "description": description, "credits": credits}
    fields = _clean_fields(
        **{key: current[key] if value is None else value for key, value in given.items()}
    )
    for key, value in fields.items():
        setattr(film, key, value)
    film.save(update_fields=list(fields))
    return film


def round_open(*, program) -> Round | None:
    return (
        Round.objects.filter(program=program, status=Round.Status.OPEN)
        .order_by("notify_at")
        .first()
    )


@transaction.atomic
def film_submit(*, film: Film, tester: Tester, round: Round | None = None) -> Film:
    """Enter a draft into a round (the program's open round unless one is given)."""
    _require_active(tester)
    film = _lock(film)
    _own(film, tester)
    round = round or round_open(program=film.program)
    if round is None or round.status != Round.Status.OPEN or round.program_id != film.program_id:
        raise Conflict("No round is open for submissions.", field="round", code="no_open_round")
    film.round = round
    return film_move(film=film, to_status=Film.Status.SUBMITTED, actor=tester.user)


@transaction.atomic
def film_withdraw(*, film: Film, tester: Tester, reason: str = "") -> Film:
    """The artist takes the film back; possible at any time before a selection."""
    film = _lock(film)
    _own(film, tester)
    if not film.can_move_to(Film.Status.WITHDRAWN):
        raise Conflict(
            "A film can be withdrawn only before it is selected.",
            field="status",
            code="invalid_transition",
        )
    reason = clean_text(reason, field="reason", max_length=2000)
    film_move(
        film=film, to_status=Film.Status.WITHDRAWN, actor=tester.user, reason=reason or "Withdrawn"
    )
    # Open reviews stop; nobody keeps scoring a film its artist took back.
    film.assignments.filter(status="assigned").delete()
    return film


@transaction.atomic
def film_credit_line_propose(*, film: Film, text: str, actor) -> Film:
    film = _lock(film)
    film.credit_line_proposed = clean_text(text, field="credit_line", max_length=300, required=True)
    film.save(update_fields=["credit_line_proposed"])
    notify_artist(
        film,
        kind="film.credit_line_proposed",
        title=f"Please approve the credit line for {film.title}",
        body=film.credit_line_proposed,
    )
    return film


@transaction.atomic
def film_credit_line_approve(*, film: Film, tester: Tester, text: str) -> Film:
    """Only the artist sets the credit line shown with their film."""
    film = _lock(film)
    _own(film, tester)
    film.credit_line = clean_text(text, field="credit_line", max_length=300, required=True)
    film.credit_line_approved_at = timezone.now()
    film.save(update_fields=["credit_line", "credit_line_approved_at"])
    return film
