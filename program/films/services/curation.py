"""Curation: rounds, rubrics, assignments, blind reviews, recusal, decisions and their release."""

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError
from payments import earnings
from program.access.audit import audit_record
from program.films.models import Assignment, Criterion, Decision, Film, Round, Score
from program.films.services.common import clean_text, notify_artist
from program.films.services.films import film_move
from program.roles import Role, has_role

logger = logging.getLogger(__name__)
User = get_user_model()

REVIEWABLE = (Film.Status.SUBMITTED, Film.Status.IN_REVIEW)
# A shortlisted film carried into a later round is reviewed and decided there again.
IN_ROUND = (*REVIEWABLE, Film.Status.SHORTLISTED)
DECISION_TITLES = {
    Decision.Outcome.SHORTLISTED: "Your film is shortlisted",
    Decision.Outcome.SELECTED: "Your film is selected",
    Decision.Outcome.NOT_SELECTED: "Your film was not selected this round",
}


def _clean_round(*, name, description, reviewers_per_film, notify_at) -> dict:
    if not isinstance(reviewers_per_film, int) or not 1 <= reviewers_per_film <= 20:
        raise ServiceError(
            "Between 1 and 20 reviewers per film.", field="reviewers_per_film", code="invalid"
        )
    if not isinstance(notify_at, datetime):
        raise ServiceError("Give a notification date and time.", field="notify_at", code="invalid")
    return {
        "name": clean_text(name, field="name", max_length=200, required=True),
        "description": clean_text(description, field="description", max_length=5000),
        "reviewers_per_film": reviewers_per_film,
        "notify_at": notify_at,
    }


@transaction.atomic
def round_create(
    *, program, name: str, notify_at: datetime, reviewers_per_film: int = 3, description="", actor
) -> Round:
    fields = _clean_round(
        name=name,
        description=description,
        reviewers_per_film=reviewers_per_film,
        notify_at=notify_at,
    )
    if notify_at <= timezone.now():
        raise ServiceError("The notification date must be in the future.", field="notify_at")
    round = Round.objects.create(program=program, created_by=actor, **fields)
    audit_record(action="films.round_created", actor=actor, target=round)
    return round


@transaction.atomic
def round_update(*, round: Round, actor, **changes) -> Round:
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.status == Round.Status.RELEASED:
        raise Conflict("A released round cannot change.", code="released")
    status = changes.pop("status", None)
    current = {
        key: getattr(round, key)
        for key in ("name", "description", "reviewers_per_film", "notify_at")
    }
    current.update({key: value for key, value in changes.items() if value is not None})
    if changes.get("notify_at") is not None and changes["notify_at"] <= timezone.now():
        # Artists were promised a date; it can move later, never into the past.
        raise ServiceError("The notification date must be in the future.", field="notify_at")
    for key, value in _clean_round(**current).items():
        setattr(round, key, value)
    if status is not None:
        if status not in (Round.Status.OPEN, Round.Status.REVIEWING):
            raise ServiceError(
                "Release decisions with the release action.", field="status", code="invalid"
            )
        round.status = status
    round.save()
    audit_record(action="films.round_updated", actor=actor, target=round, data={"status": status})
    return round


@transaction.atomic
def criterion_add(
    *,
    round: Round,
    name: str,
    weight: int = 1,
    scale_min: int = 1,
    scale_max: int = 5,
    description: str = "",
    actor=None,
) -> Criterion:
    """Add a rubric line. The rubric is frozen once anyone has submitted a review."""
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.assignments.filter(status=Assignment.Status.SUBMITTED).exists():
        raise Conflict("Reviews are in; the rubric is frozen.", code="rubric_frozen")
    name = clean_text(name, field="name", max_length=120, required=True)
    for field, value in (("weight", weight), ("scale_min", scale_min), ("scale_max", scale_max)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ServiceError("Give a whole number.", field=field, code="invalid")
    if not 1 <= weight <= 100:
        raise ServiceError("The weight is between 1 and 100.", field="weight", code="invalid")
    if scale_max <= scale_min or scale_min < 0 or scale_max > 100:
        raise ServiceError(
            "The scale runs from a lower to a higher whole number within 0-100.",
            field="scale_max",
            code="invalid",
        )
    if round.criteria.filter(name__iexact=name).exists():
        raise Conflict("The rubric already has this criterion.", field="name", code="duplicate")
    return Criterion.objects.create(
        round=round,
        name=name,
        description=clean_text(description, field="description", max_length=2000),
        weight=weight,
        scale_min=scale_min,
        scale_max=scale_max,
        position=round.criteria.count(),
    )


def _is_curator(user) -> bool:
    return has_role(user, Role.CURATOR)


def _eligible(film: Film, curator) -> bool:
    return film.tester.user_id != curator.pk


def _assign(*, film: Film, curator, actor) -> Assignment:
    assignment = Assignment.objects.create(
        round=film.round, film=film, curator=curator, assigned_by=actor
    )
    if film.status == Film.Status.SUBMITTED:
        film_move(film=film, to_status=Film.Status.IN_REVIEW, actor=actor)
    return assignment


@transaction.atomic
def assignment_create(*, film: Film, curator, actor) -> Assignment:
    """Assign one curator to one film by hand."""
    film = (
        Film.objects.select_for_update(of=("self",))
        .select_related("tester__user", "round")
        .get(pk=film.pk)
    )
    if not _is_curator(curator):
        raise ServiceError("That user is not a curator.", field="curator", code="not_curator")
    if film.status not in IN_ROUND or film.round is None:
        raise Conflict("Only submitted films in a round are reviewed.", field="film")
    if film.round.status == Round.Status.RELEASED:
        raise Conflict("The round is released.", field="film", code="released")
    if not _eligible(film, curator):
        raise Conflict("A curator never reviews their own film.", field="curator", code="own_film")
    if Assignment.objects.filter(film=film, curator=curator).exists():
        raise Conflict("Already assigned (or recused).", field="curator", code="duplicate")
    return _assign(film=film, curator=curator, actor=actor)


def curators_all():
    return User.objects.filter(Q(groups__name=Role.CURATOR) | Q(is_superuser=True)).distinct()


@transaction.atomic
def assignments_autoassign(*, round: Round, actor, curators=None, every_film: bool = False) -> int:
    """Give every film in the round at least N active reviewers, balancing curator load.

    `every_film=True` assigns every chosen curator to every film instead.
    """
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.status == Round.Status.RELEASED:
        raise Conflict("The round is released.", code="released")
    pool = list(curators if curators is not None else curators_all().filter(is_superuser=False))
    pool = [user for user in pool if _is_curator(user)]
    if not pool and curators is not None:
        raise ServiceError(
            "None of these users is a curator.", field="curators", code="no_curators"
        )
    if not pool:
        # Nothing in the request is wrong: the program has nobody to assign yet.
        raise Conflict(
            "The program has no curators yet; give someone the curator role first.",
            code="no_curators",
        )
    load = dict(
        Assignment.objects.filter(round=round, status__in=["assigned", "submitted"])
        .values_list("curator")
        .annotate(n=Count("pk"))
        .values_list("curator", "n")
    )
    load = {user.pk: load.get(user.pk, 0) for user in pool}
    films = list(
        Film.objects.select_for_update(of=("self",))
        .filter(round=round, status__in=IN_ROUND)
        .select_related("tester__user")
        .order_by("pk")
    )
    # A curator reviews a film once, across rounds; only this round's reviews count towards N.
    taken = {}
    for film_id, curator_id, status, round_id in Assignment.objects.filter(
        film__in=films
    ).values_list("film_id", "curator_id", "status", "round_id"):
        taken.setdefault(film_id, {})[curator_id] = (status, round_id)
    created = 0
    for film in films:
        existing = taken.get(film.pk, {})
        active = sum(
            1
            for status, round_id in existing.values()
            if round_id == round.pk and status != Assignment.Status.RECUSED
        )
        candidates = [u for u in pool if u.pk not in existing and _eligible(film, u)]
        if not every_film:
            candidates.sort(key=lambda u: (load[u.pk], u.pk))
            candidates = candidates[: max(0, round.reviewers_per_film - active)]
        for curator in candidates:
            _assign(film=film, curator=curator, actor=actor)
            load[curator.pk] += 1
            created += 1
    audit_record(action="films.autoassigned", actor=actor, target=round, data={"created": created})
    return created


def _lock_own_assignment(assignment: Assignment, curator) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("round", "film__tester__user")
        .get(pk=assignment.pk)
    )
    if assignment.curator_id != curator.pk:
        raise NotAllowed("This is not your assignment.")
    if assignment.round.status == Round.Status.RELEASED:
        raise Conflict("The round is released.", code="released")
    return assignment


@transaction.atomic
def review_submit(
    *,
    assignment: Assignment,
    curator,
    scores: dict,
    feedback: str = "",
    private_note: str = "",
    share_with_artist: bool = True,
) -> Assignment:
    """Score every criterion once. Final: the curator sees the others' scores afterwards."""
    assignment = _lock_own_assignment(assignment, curator)
    if assignment.status != Assignment.Status.ASSIGNED:
        raise Conflict(
            f"This review is already {assignment.get_status_display().lower()}.",
            code="not_open",
        )
    if assignment.film.status not in IN_ROUND or assignment.film.round_id != assignment.round_id:
        raise Conflict("The film is no longer in review.", code="film_not_in_review")
    criteria = list(assignment.round.criteria.all())
    if not criteria:
        raise Conflict("The round has no rubric yet.", code="no_rubric")
    try:
        given = {int(key): value for key, value in (scores or {}).items()}
    except (TypeError, ValueError) as exc:
        raise ServiceError("Scores are keyed by criterion id.", field="scores") from exc
    rows = []
    for criterion in criteria:
        value = given.pop(criterion.pk, None)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ServiceError(
                f"Give a whole-number score for '{criterion.name}'.", field="scores", code="missing"
            )
        if not criterion.scale_min <= value <= criterion.scale_max:
            raise ServiceError(
                f"'{criterion.name}' is scored {criterion.scale_min}-{criterion.scale_max}.",
                field="scores",
                code="out_of_range",
            )
        rows.append(Score(assignment=assignment, criterion=criterion, value=value))
    if given:
        raise ServiceError("Unknown criterion in scores.", field="scores", code="unknown")
    Score.objects.bulk_create(rows)
    assignment.feedback = clean_text(feedback, field="feedback", max_length=10000)
    assignment.private_note = clean_text(private_note, field="private_note", max_length=10000)
    assignment.share_with_artist = bool(share_with_artist)
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save()
    return assignment


@transaction.atomic
def conflict_declare(*, assignment: Assignment, curator, reason: str) -> Assignment | None:
    """Recuse a curator; their scores leave the aggregate and a replacement is found if one exists.

    Returns the replacement assignment, or None when no other curator is free.
    """
    assignment = _lock_own_assignment(assignment, curator)
    reason = clean_text(reason, field="reason", max_length=2000, required=True)
    if assignment.status == Assignment.Status.RECUSED:
        raise Conflict("Already recused.", code="recused")
    assignment.status = Assignment.Status.RECUSED
    assignment.conflict_reason = reason
    assignment.recused_at = timezone.now()
    assignment.save(update_fields=["status", "conflict_reason", "recused_at"])
    audit_record(action="films.recused", actor=curator, target=assignment, reason=reason)
    film = assignment.film
    if film.status not in IN_ROUND or film.round_id != assignment.round_id:
        return None
    active = (
        film.assignments.filter(round=assignment.round)
        .exclude(status=Assignment.Status.RECUSED)
        .count()
    )
    if active >= assignment.round.reviewers_per_film:
        return None
    busy = set(film.assignments.values_list("curator_id", flat=True))
    load = dict(
        Assignment.objects.filter(round=assignment.round, status="assigned")
        .values_list("curator")
        .annotate(n=Count("pk"))
        .values_list("curator", "n")
    )
    candidates = sorted(
        (
            user
            for user in curators_all().filter(is_superuser=False)
            if user.pk not in busy and _eligible(film, user)
        ),
        key=lambda user: (load.get(user.pk, 0), user.pk),
    )
    if not candidates:
        return None
    return _assign(film=film, curator=candidates[0], actor=None)


@transaction.atomic
def decision_record(*, round: Round, film: Film, outcome: str, note: str = "", actor) -> Decision:
    """Record (or change) a round's decision. Nothing reaches the artist before the release.

    A film shortlisted by an earlier, released round is carried into this round.
    """
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.status == Round.Status.RELEASED:
        raise Conflict("The round is released; decisions are final.", code="released")
    if outcome not in Decision.Outcome.values:
        raise ServiceError("Unknown outcome.", field="outcome", code="invalid_choice")
    film = Film.objects.select_for_update(of=("self",)).select_related("round").get(pk=film.pk)
    carried = (
        film.status == Film.Status.SHORTLISTED
        and film.round is not None
        and film.round.status == Round.Status.RELEASED
        and film.program_id == round.program_id
    )
    if carried:
        film.round = round
        film.save(update_fields=["round"])
    elif film.round_id != round.pk or film.status not in IN_ROUND:
        raise Conflict("The film is not in review in this round.", field="film")
    decision, _ = Decision.objects.update_or_create(
        round=round,
        film=film,
        defaults={
            "outcome": outcome,
            "note": clean_text(note, field="note", max_length=5000),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    audit_record(
        action="films.decision_recorded",
        actor=actor,
        target=film,
        data={"outcome": outcome, "round": round.pk, "carried_over": carried},
    )
    return decision


def round_undecided(round: Round):
    """Films in the round still waiting for this round's decision."""
    return Film.objects.filter(round=round, status__in=IN_ROUND).exclude(decisions__round=round)


@transaction.atomic
def round_release(*, round: Round, actor=None) -> Round:
    """Apply every decision of the round at once, on or after its notification date.

    Every artist in the round hears at the same moment. Idempotent.
    """
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.status == Round.Status.RELEASED:
        return round
    now = timezone.now()
    if now < round.notify_at:
        raise Conflict(
            f"Decisions are released on {round.notify_at:%Y-%m-%d %H:%M %Z}, not before.",
            code="too_early",
        )
    undecided = round_undecided(round).count()
    if undecided:
        raise Conflict(
            f"{undecided} film(s) in review have no decision yet.", code="undecided_films"
        )
    decisions = (
        Decision.objects.filter(round=round, released_at__isnull=True)
        .select_related("film__tester__user")
        .order_by("film_id")
    )
    for decision in decisions:
        film = Film.objects.select_for_update(of=("self",)).get(pk=decision.film_id)
        film.tester = decision.film.tester
        if film.status == Film.Status.WITHDRAWN:
            continue
        film_move(
            film=film,
            to_status=decision.outcome,
            actor=actor,
            reason=f"Decision of {round.name}",
            notify=False,
        )
        if decision.outcome in (Decision.Outcome.SHORTLISTED, Decision.Outcome.SELECTED):
            earnings.earning_record(
                tester=film.tester,
                rule=f"film.{decision.outcome}",
                source=film,
                occurred_at=now,
                description=f"{film.title} — {decision.get_outcome_display()} ({round.name})",
            )
        notify_artist(
            film,
            kind=f"film.{decision.outcome}",
            title=f"{DECISION_TITLES[decision.outcome]}: {film.title}",
            body=decision.note or f"The decisions of {round.name} are out.",
        )
        decision.released_at = now
        decision.save(update_fields=["released_at"])
    round.status = Round.Status.RELEASED
    round.released_at = now
    round.save(update_fields=["status", "released_at"])
    audit_record(action="films.round_released", actor=actor, target=round)
    return round


def rounds_release_due() -> list[int]:
    """Release every round whose notification date has come. Used by the beat task."""
    released = []
    due = Round.objects.filter(released_at__isnull=True, notify_at__lte=timezone.now()).values_list(
        "pk", flat=True
    )
    for round_id in list(due):
        try:
            round_release(round=Round.objects.get(pk=round_id))
        except Conflict as exc:
            logger.warning("Round %s not released: %s", round_id, exc.message)
        else:
            released.append(round_id)
    return released
