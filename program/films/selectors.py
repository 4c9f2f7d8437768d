"""Reads for films, curation, screenings and licenses.

Blind review is enforced here: curator-facing reads return `BlindFilm`s that carry no artist
identity, and other curators' scores only once the curator has submitted their own.
"""

import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from program.films.models import (
    Assignment,
    Criterion,
    Decision,
    Film,
    License,
    LicenseUse,
    Round,
    Score,
    Screening,
)
from program.models import Tester
from program.roles import Role, has_role

PUBLIC_CHANNEL = "website"


# --- Artists --------------------------------------------------------------------------------


def film_list_for_tester(*, tester: Tester) -> QuerySet[Film]:
    return (
        Film.objects.filter(tester=tester)
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(released_at__isnull=False).order_by(
                    "-released_at", "-id"
                ),
                to_attr="released_decisions",
            )
        )
        .order_by("-created_at", "-id")
    )


def film_get_for_tester(*, tester: Tester, pk: int) -> Film:
    """The artist's own film; any other film is a 404, so nothing about it leaks."""
    film = Film.objects.select_related("round", "tester__user").filter(pk=pk, tester=tester).first()
    if film is None:
        raise Http404("No such film.")
    return film


def film_released_decision(film: Film) -> Decision | None:
    """The latest decision the artist has been told; nothing before its round's release."""
    released = getattr(film, "released_decisions", None)
    if released is None:
        released = list(
            film.decisions.filter(released_at__isnull=False).order_by("-released_at", "-id")[:1]
        )
    return released[0] if released else None


def shared_reviews(*, film: Film) -> list[dict]:
    """Rubric scores and feedback the curators chose to share, from released rounds only.

    Never includes private notes or who wrote the review.
    """
    assignments = (
        film.assignments.filter(
            status=Assignment.Status.SUBMITTED,
            share_with_artist=True,
            round__status=Round.Status.RELEASED,
        )
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "reviewer": f"Reviewer {index}",
            "scores": [
                {
                    "criterion": score.criterion.name,
                    "value": score.value,
                    "scale_min": score.criterion.scale_min,
                    "scale_max": score.criterion.scale_max,
                }
                for score in assignment.scores.all()
            ],
            "feedback": assignment.feedback,
        }
        for index, assignment in enumerate(assignments, start=1)
    ]


def license_list_for_tester(*, tester: Tester) -> QuerySet[License]:
    return (
        License.objects.filter(film__tester=tester)
        .select_related("film")
        .order_by("-requested_at", "-id")
    )


# --- Public ---------------------------------------------------------------------------------


def _publicly_licensed_film_ids() -> list[int]:
    today = timezone.localdate()
    licenses = License.objects.filter(
        status=License.Status.ACCEPTED,
        use=License.Use.SHOWCASE,
        starts_on__lte=today,
        ends_on__gte=today,
    ).values_list("film_id", "channels")
    # Channels are a JSON list; checked here because SQLite has no JSON containment.
    return [film_id for film_id, channels in licenses if PUBLIC_CHANNEL in channels]


def film_list_public() -> QuerySet[Film]:
    """Selected films whose artist accepted (and has not withdrawn) a license for the website."""
    licensed = _publicly_licensed_film_ids()
    return (
        Film.objects.filter(status=Film.Status.SELECTED, pk__in=licensed)
        .exclude(credit_line="")
        .order_by("-status_changed_at", "-id")
    )


def film_is_public(film: Film) -> bool:
    return film_list_public().filter(pk=film.pk).exists()


def film_media_allowed(*, user, film: Film) -> bool:
    """Who may stream a film's video or poster."""
    if film_is_public(film):
        return True
    if not user.is_authenticated:
        return False
    if film.tester.user_id == user.pk or has_role(user, Role.PROGRAM_STAFF):
        return True
    return (
        has_role(user, Role.CURATOR)
        and film.assignments.filter(
            curator=user, status__in=[Assignment.Status.ASSIGNED, Assignment.Status.SUBMITTED]
        ).exists()
    )


# --- Curators (blind) ------------------------------------------------------------------------


@dataclass(frozen=True)
class BlindFilm:
    """What a curator sees of a film: the work, never the artist."""

    id: int
    title: str
    description: str
    duration_seconds: float
    width: int
    height: int
    codec: str
    source: str
    video_url: str
    poster_url: str
    provenance: list
    # Credits can name people; shown only once the curator has submitted their review.
    credits: str | None


def blind_film(*, assignment: Assignment) -> BlindFilm:
    film = assignment.film
    revealed = assignment.status == Assignment.Status.SUBMITTED
    return BlindFilm(
        id=film.pk,
        title=film.title,
        description=film.description,
        duration_seconds=film.duration_seconds,
        width=film.width,
        height=film.height,
        codec=film.codec,
        source=film.source,
        video_url=reverse("films-media", args=[film.pk, "video"]),
        poster_url=reverse("films-media", args=[film.pk, "poster"]),
        provenance=[
            {"model": p.model, "prompt": p.prompt, "seed": p.seed, "seconds": p.seconds}
            for p in film.provenance.all()
        ],
        credits=film.credits if revealed else None,
    )


def assignment_list_for_curator(*, curator) -> QuerySet[Assignment]:
    # No select_related to the tester: the curator's reads never load the artist.
    return (
        Assignment.objects.filter(curator=curator)
        .select_related("film", "round")
        .order_by("status", "round__notify_at", "pk")
    )


def assignment_get_for_curator(*, curator, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("film", "round")
        .prefetch_related("scores__criterion", "film__provenance", "round__criteria")
        .filter(pk=pk, curator=curator)
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


def other_reviews(*, assignment: Assignment) -> list[dict] | None:
    """The other curators' submitted scores: None until this curator has submitted theirs."""
    if assignment.status != Assignment.Status.SUBMITTED:
        return None
    criteria = list(assignment.round.criteria.all())
    others = (
        Assignment.objects.filter(
            film_id=assignment.film_id,
            round_id=assignment.round_id,
            status=Assignment.Status.SUBMITTED,
        )
        .exclude(pk=assignment.pk)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "reviewer": f"Reviewer {index}",
            "total": review_total(list(other.scores.all()), criteria),
            "scores": {score.criterion_id: score.value for score in other.scores.all()},
            "feedback": other.feedback,
        }
        for index, other in enumerate(others, start=1)
    ]


# --- Aggregation -----------------------------------------------------------------------------


def review_total(scores: list[Score], criteria: list[Criterion]) -> float | None:
    """Weighted mean of one review, each criterion mapped onto 0-100 first."""
    by_criterion = {score.criterion_id: score.value for score in scores}
    weight_sum, total = 0, 0.0
    for criterion in criteria:
        if criterion.pk not in by_criterion:
            return None
        span = criterion.scale_max - criterion.scale_min
        total += criterion.weight * (by_criterion[criterion.pk] - criterion.scale_min) / span * 100
        weight_sum += criterion.weight
    return round(total / weight_sum, 2) if weight_sum else None


@dataclass
class FilmResult:
    film: Film
    required: int
    reviews: int = 0
    recused: int = 0
    pending: int = 0
    mean: float | None = None
    spread: float | None = None
    stdev: float | None = None
    totals: list = field(default_factory=list)  # [(assignment, total, outlier)]
    criterion_means: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    decision: object = None


def round_results(*, round: Round, film_ids=None) -> list[FilmResult]:
    """Weighted means with spread; ties, outliers, wide spreads and missing reviews flagged.

    Recused reviews never count. Sorted best first; films with no reviews last.
    """
    criteria = list(round.criteria.all())
    # Films now in the round, and films it reviewed or decided before they moved on.
    in_round = (
        Q(round=round)
        | Q(pk__in=Assignment.objects.filter(round=round).values("film_id"))
        | Q(pk__in=Decision.objects.filter(round=round).values("film_id"))
    )
    films = (
        Film.objects.filter(in_round)
        .exclude(status__in=[Film.Status.DRAFT, Film.Status.WITHDRAWN])
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(round=round)
                .select_related("curator")
                .prefetch_related("scores")
                .order_by("submitted_at", "pk"),
            ),
            Prefetch(
                "decisions", queryset=Decision.objects.filter(round=round), to_attr="round_decision"
            ),
        )
        .order_by("pk")
    )
    if film_ids is not None:
        films = films.filter(pk__in=film_ids)
    outlier_points = settings.ATELIER_FILM_OUTLIER_POINTS
    spread_points = settings.ATELIER_FILM_SPREAD_POINTS
    results = []
    for film in films:
        result = FilmResult(film=film, required=round.reviewers_per_film)
        result.decision = film.round_decision[0] if film.round_decision else None
        submitted = []
        for assignment in film.assignments.all():
            if assignment.status == Assignment.Status.RECUSED:
                result.recused += 1
            elif assignment.status == Assignment.Status.ASSIGNED:
                result.pending += 1
            else:
                submitted.append(
                    (assignment, review_total(list(assignment.scores.all()), criteria))
                )
        submitted = [(a, t) for a, t in submitted if t is not None]
        result.reviews = len(submitted)
        values = [total for _, total in submitted]
        if values:
            result.mean = _r2(statistics.fmean(values))
            result.spread = _r2(max(values) - min(values))
            result.stdev = _r2(statistics.pstdev(values))
            for criterion in criteria:
                points = [
                    score.value
                    for assignment, _ in submitted
                    for score in assignment.scores.all()
                    if score.criterion_id == criterion.pk
                ]
                result.criterion_means[criterion.pk] = _r2(statistics.fmean(points))
        # An outlier is far from the median; with fewer than three reviews only the spread says.
        median = statistics.median(values) if len(values) >= 3 else None
        for assignment, total in submitted:
            outlier = median is not None and abs(total - median) > outlier_points
            result.totals.append((assignment, total, outlier))
        if result.reviews < result.required:
            result.flags.append("under_reviewed")
        if any(outlier for _, _, outlier in result.totals):
            result.flags.append("outlier")
        if result.spread is not None and result.spread > spread_points:
            result.flags.append("wide_spread")
        results.append(result)
    by_mean = {}
    for result in results:
        if result.mean is not None:
            by_mean.setdefault(round_key(result.mean), []).append(result)
    for tied in by_mean.values():
        if len(tied) > 1:
            for result in tied:
                result.flags.append("tie")
    results.sort(key=lambda r: (r.mean is None, -(r.mean or 0), r.film.pk))
    return results


def round_key(mean: float) -> float:
    return round(mean, 1)


def _r2(value: float) -> float:
    return round(value, 2)


def curator_reviewed_film_ids(*, curator, round: Round) -> list[int]:
    return list(
        Assignment.objects.filter(
            curator=curator, round=round, status=Assignment.Status.SUBMITTED
        ).values_list("film_id", flat=True)
    )


# --- Staff ----------------------------------------------------------------------------------


def round_list(*, program) -> QuerySet[Round]:
    return Round.objects.filter(program=program).order_by("-notify_at", "-id")


def film_list_for_staff(*, program, status: str = "", round_id=None) -> QuerySet[Film]:
    queryset = Film.objects.filter(program=program).select_related("tester__user", "round")
    if status:
        queryset = queryset.filter(status=status)
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    return queryset.order_by("-created_at", "-id")


def assignment_list_for_round(*, round: Round) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(round=round)
        .select_related("film", "curator")
        .order_by("film_id", "pk")
    )


def license_list(*, program, status: str = "") -> QuerySet[License]:
    queryset = License.objects.filter(film__program=program).select_related(
        "film__tester", "requested_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-requested_at", "-id")


def license_use_list(*, program) -> QuerySet[LicenseUse]:
    return (
        LicenseUse.objects.filter(license__film__program=program)
        .select_related("license__film", "logged_by")
        .order_by("-used_on", "-id")
    )


def screening_list(*, program) -> QuerySet[Screening]:
    return Screening.objects.filter(program=program).order_by("-starts_at", "-id")


def screening_programme(*, screening: Screening):
    return screening.entries.select_related("film").order_by("position", "pk")
