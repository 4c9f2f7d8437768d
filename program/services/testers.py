from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from program.access.audit import audit_record
from program.models import Program, Tester, TesterStatusChange
from program.roles import Role
from program.validation import clean_country, clean_email, clean_portfolio_links

User = get_user_model()


def user_get_or_create(*, email: str, name: str = "") -> "User":
    """Users log in with their email; the username is the lower-cased email."""
    email = clean_email(email)
    user = User.objects.filter(username=email).first()
    if user is None:
        first, _, last = (name or "").strip().partition(" ")
        user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
    return user


def user_grant_role(*, user, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=Role(role).value)
    user.groups.add(group)
    user.__dict__.pop("_atelier_roles", None)


@transaction.atomic
def tester_create(
    *,
    program: Program,
    email: str,
    display_name: str,
    country: str,
    cohort: str = "",
    portfolio_links: Iterable[str] = (),
    actor=None,
) -> Tester:
    """Create an invited tester. A second tester for the same email is refused."""
    display_name = (display_name or "").strip()
    if not display_name:
        raise ServiceError("A name is required.", field="name", code="required")
    if len(display_name) > 120:
        raise ServiceError("The name is at most 120 characters.", field="name", code="too_long")
    country = clean_country(country)
    links = clean_portfolio_links(portfolio_links)
    email = clean_email(email)
    if Tester.objects.filter(program=program, user__username=email).exists():
        raise Conflict(
            f"{email} is already in {program.name}.", field="email", code="duplicate_email"
        )
    user = user_get_or_create(email=email, name=display_name)
    user_grant_role(user=user, role=Role.ARTIST)
    tester = Tester.objects.create(
        program=program,
        user=user,
        display_name=display_name,
        country=country,
        cohort=(cohort or "").strip()[:60],
        portfolio_links=links,
    )
    TesterStatusChange.objects.create(
        tester=tester, from_status="", to_status=tester.status, actor=actor, reason="Invited"
    )
    return tester


@transaction.atomic
def tester_change_status(*, tester: Tester, to_status: str, actor, reason: str) -> Tester:
    """Move a tester along the lifecycle, recording who did it and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Say why the status changes.", field="reason", code="required")
    if to_status not in Tester.Status.values:
        raise ServiceError(f"Unknown status '{to_status}'.", field="status", code="invalid_choice")
    tester = Tester.objects.select_for_update().get(pk=tester.pk)
    if tester.status == to_status:
        return tester
    if not tester.can_move_to(to_status):
        raise Conflict(
            f"A tester cannot go from {tester.status} to {to_status}.",
            field="status",
            code="invalid_transition",
        )
    from_status = tester.status
    now = timezone.now()
    tester.status = to_status
    tester.status_changed_at = now
    if to_status == Tester.Status.ACTIVE and tester.joined_at is None:
        tester.joined_at = now
    tester.save(update_fields=["status", "status_changed_at", "joined_at"])
    TesterStatusChange.objects.create(
        tester=tester, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    audit_record(
        action="tester.status_changed",
        actor=actor,
        target=tester,
        reason=reason,
        data={"from": from_status, "to": to_status},
    )
    return tester


@transaction.atomic
def tester_update_profile(
    *,
    tester: Tester,
    display_name: str | None = None,
    country: str | None = None,
    cohort: str | None = None,
    portfolio_links: Iterable[str] | None = None,
) -> Tester:
    if display_name is not None:
        if not display_name.strip():
            raise ServiceError("A name is required.", field="display_name", code="required")
        tester.display_name = display_name.strip()[:120]
    if country is not None:
        tester.country = clean_country(country)
    if cohort is not None:
        tester.cohort = cohort.strip()[:60]
    if portfolio_links is not None:
        tester.portfolio_links = clean_portfolio_links(portfolio_links)
    tester.save()
    return tester


def testers_bulk_change_status(
    *, testers: Iterable[Tester], to_status: str, actor, reason: str
) -> tuple[list[Tester], list[tuple[Tester, str]]]:
    """Apply one status change to many testers; each is its own transaction and record."""
    changed, refused = [], []
    for tester in testers:
        try:
            changed.append(
                tester_change_status(tester=tester, to_status=to_status, actor=actor, reason=reason)
            )
        except ServiceError as exc:
            refused.append((tester, exc.message))
    return changed, refused
