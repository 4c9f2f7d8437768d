"""Real, tiny MP4 files made in code, and films built through the real services."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from program.films.media import tiny_mp4
from program.films.services import curation, films


def make_mp4(
    *, codec: str = "libx264", frames: int = 6, size=(32, 32), fps: int = 6, shade: int = 0
) -> bytes:
    """A real MP4 (H.264 by default)."""
    return tiny_mp4(codec=codec, frames=frames, size=size, fps=fps, shade=shade)


def mp4_upload(data: bytes | None = None, name: str = "film.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else make_mp4(), "video/mp4")


def make_round(*, program, actor, reviewers: int = 2, days: int = 7, criteria=None):
    round = curation.round_create(
        program=program,
        name="Round one",
        notify_at=timezone.now() + timedelta(days=days),
        reviewers_per_film=reviewers,
        actor=actor,
    )
    for name, weight, low, high in criteria or [
        ("Story", 3, 1, 5),
        ("Craft", 1, 1, 5),
    ]:
        curation.criterion_add(
            round=round, name=name, weight=weight, scale_min=low, scale_max=high, actor=actor
        )
    return round


def make_film(*, tester, title: str = "Night Swim", credits: str = "", submit: bool = True):
    film = films.film_create_upload(
        tester=tester,
        title=title,
        description="Waves at night.",
        credits=credits,
        upload=mp4_upload(),
    )
    if submit:
        film = films.film_submit(film=film, tester=tester)
    return film


def web_client(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def make_job(*, tester, shade: int = 0, status: str = "completed", size=(32, 32)):
    from django.core.files.base import ContentFile

    from generation.models import GenerationJob

    job = GenerationJob(
        tester=tester,
        model="atelier-tiny",
        prompt=f"a lighthouse at dusk, shade {shade}",
        width=size[0],
        height=size[1],
        seconds=1,
        fps=6,
        num_frames=6,
        num_inference_steps=4,
        guidance_scale=3.0,
        seed=1000 + shade,
        status=status,
    )
    if status == "completed":
        job.video.save("clip.mp4", ContentFile(make_mp4(shade=shade, size=size)), save=False)
    job.save()
    return job


def review(assignment, *values, feedback: str = "", private_note: str = "", share: bool = True):
    """Submit `values` for the round's criteria, in rubric order."""
    criteria = list(assignment.round.criteria.all())
    return curation.review_submit(
        assignment=assignment,
        curator=assignment.curator,
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
        feedback=feedback,
        private_note=private_note,
        share_with_artist=share,
    )


def make_selected_film(*, tester, title: str = "Selected", credit_line: str = "By the artist"):
    """A film past curation (set directly: the release path has its own tests)."""
    from program.films.models import Film

    film = make_film(tester=tester, title=title)
    Film.objects.filter(pk=film.pk).update(status=Film.Status.SELECTED)
    if credit_line:
        film = films.film_credit_line_approve(film=film, tester=tester, text=credit_line)
    film.refresh_from_db()
    return film


def make_license(
    *, film, actor, use="showcase", channels=("website", "screening"), days=30, fee=25000
):
    from datetime import timedelta

    from program.films.services import licensing

    today = timezone.localdate()
    return licensing.license_request(
        film=film,
        use=use,
        channels=list(channels),
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=days),
        fee_minor=fee,
        currency="EUR",
        actor=actor,
    )
