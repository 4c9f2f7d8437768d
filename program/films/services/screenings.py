"""Screenings and showcases: a programme of selected, licensed films, each with its credit line."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from payments import earnings
from program.access.audit import audit_record
from program.films.models import Film, License, Screening, ScreeningFilm
from program.films.services.common import clean_money, clean_text, notify_artist
from program.films.services.licensing import license_refusal, license_use_log

SCREENING_CHANNEL = "screening"


@transaction.atomic
def screening_create(
    *,
    program,
    title: str,
    starts_at: datetime,
    place: str = "",
    link: str = "",
    description: str = "",
    fee_minor: int = 0,
    currency: str = "USD",
    actor,
) -> Screening:
    if not isinstance(starts_at, datetime):
        raise ServiceError("Give the date and time.", field="starts_at")
    place = clean_text(place, field="place", max_length=200)
    link = clean_text(link, field="link", max_length=200)
    if not place and not link:
        raise ServiceError("Give a place or a link.", field="place", code="required")
    if link and not link.startswith(("https://", "http://")):
        raise ServiceError("The link must be a web address.", field="link")
    fee_minor, currency = clean_money(amount_minor=fee_minor, currency=currency)
    screening = Screening.objects.create(
        program=program,
        title=clean_text(title, field="title", max_length=200, required=True),
        description=clean_text(description, field="description", max_length=5000),
        starts_at=starts_at,
        place=place,
        link=link,
        fee_minor=fee_minor,
        currency=currency,
        created_by=actor,
    )
    audit_record(action="films.screening_created", actor=actor, target=screening)
    return screening


def _covering_license(film: Film, on) -> License | None:
    for license in film.licenses.filter(status=License.Status.ACCEPTED, use=License.Use.SHOWCASE):
        if license_refusal(license, channel=SCREENING_CHANNEL, used_on=on) is None:
            return license
    return None


@transaction.atomic
def screening_add_film(*, screening: Screening, film: Film, actor) -> ScreeningFilm:
    """Programme a selected film that has an approved credit line and a showcase license."""
    screening = Screening.objects.select_for_update(of=("self",)).get(pk=screening.pk)
    if screening.status != Screening.Status.PLANNED:
        raise Conflict("Only a planned screening's programme can change.", code="not_planned")
    film = Film.objects.select_related("tester__user").get(pk=film.pk)
    if film.status != Film.Status.SELECTED:
        raise Conflict("Only selected films are screened.", field="film", code="not_selected")
    if not film.credit_line_approved_at:
        raise Conflict(
            "The artist has not approved a credit line yet.", field="film", code="no_credit_line"
        )
    day = timezone.localdate(screening.starts_at)
    license = _covering_license(film, day)
    if license is None:
        raise Conflict(
            f"No accepted showcase license covers '{SCREENING_CHANNEL}' on {day}.",
            field="film",
            code="not_licensed",
        )
    if screening.entries.filter(film=film).exists():
        raise Conflict("The film is already in the programme.", field="film", code="duplicate")
    entry = ScreeningFilm.objects.create(
        screening=screening,
        film=film,
        license=license,
        credit_line=film.credit_line,
        position=screening.entries.count(),
    )
    notify_artist(
        film,
        kind="film.screening_programmed",
        title=f"{film.title} is in the programme of {screening.title}",
        body=f"{screening.starts_at:%Y-%m-%d %H:%M} · {screening.place or screening.link}",
    )
    return entry


@transaction.atomic
def screening_confirm(*, screening: Screening, actor) -> Screening:
    """The screening happens: each use is logged against its license and each artist is paid."""
    screening = Screening.objects.select_for_update(of=("self",)).get(pk=screening.pk)
    if screening.status != Screening.Status.PLANNED:
        raise Conflict("Only a planned screening can be confirmed.", code="not_planned")
    entries = list(screening.entries.select_related("film__tester__user", "license"))
    if not entries:
        raise Conflict("The programme is empty.", code="empty_programme")
    day = timezone.localdate(screening.starts_at)
    for entry in entries:
        # Refused (and the whole confirmation rolled back) if consent was withdrawn since.
        license_use_log(
            license=entry.license,
            channel=SCREENING_CHANNEL,
            used_on=day,
            description=f"Screened at {screening.title}",
            actor=actor,
        )
    screening.status = Screening.Status.CONFIRMED
    screening.confirmed_at = timezone.now()
    screening.save(update_fields=["status", "confirmed_at"])
    for entry in entries:
        if screening.fee_minor:
            earnings.earning_record(
                tester=entry.film.tester,
                rule="screening.fee",
                source=entry,
                occurred_at=screening.starts_at,
                amount_minor=screening.fee_minor,
                currency=screening.currency,
                description=f"{entry.film.title} screened at {screening.title}",
            )
        notify_artist(
            entry.film,
            kind="film.screened",
            title=f"{entry.film.title} was screened at {screening.title}",
        )
    audit_record(action="films.screening_confirmed", actor=actor, target=screening)
    return screening
