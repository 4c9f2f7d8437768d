"""Paid test sessions: staff publish, artists sign up and log hours, staff confirm them."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError
from payments.earnings import earning_record
from payments.models import TestAssignment, TestSignup
from program.models import Program, Tester
from program.services.notifications import notify

MAX_MINUTES = 24 * 60 * 14


@transaction.atomic
def assignment_create(
    *,
    program: Program,
    title: str,
    brief: str,
    expected_minutes: int,
    starts_on: date,
    ends_on: date,
    seats: int,
    created_by,
) -> TestAssignment:
    if not title.strip():
        raise ServiceError("Give the session a title.", field="title")
    if expected_minutes <= 0:
        raise ServiceError("Expected time must be positive.", field="expected_minutes")
    if seats <= 0:
        raise ServiceError("A session needs at least one seat.", field="seats")
    if ends_on < starts_on:
        raise ServiceError("The session ends before it starts.", field="ends_on")
    return TestAssignment.objects.create(
        program=program,
        title=title.strip(),
        brief=brief,
        expected_minutes=expected_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        seats=seats,
        created_by=created_by,
    )


@transaction.atomic
def signup_create(*, assignment: TestAssignment, tester: Tester) -> TestSignup:
    assignment = TestAssignment.objects.select_for_update().get(pk=assignment.pk)
    if tester.status != Tester.Status.ACTIVE or tester.program_id != assignment.program_id:
        raise NotAllowed("Only active testers of this program can sign up.")
    if assignment.status != TestAssignment.Status.OPEN or assignment.ends_on < timezone.localdate():
        raise Conflict("This session is closed.", code="session_closed")
    if TestSignup.objects.filter(assignment=assignment, tester=tester).exists():
        raise Conflict("You are already signed up.", code="already_signed_up")
    if assignment.signups.count() >= assignment.seats:
        raise Conflict("All seats are taken.", code="session_full")
    return TestSignup.objects.create(assignment=assignment, tester=tester)


@transaction.atomic
def signup_log(*, signup: TestSignup, minutes: int, report: str) -> TestSignup:
    signup = TestSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status == TestSignup.Status.CONFIRMED:
        raise Conflict("These hours are already confirmed.", code="already_confirmed")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES:
        raise ServiceError("Log a positive number of minutes.", field="minutes")
    if not report.strip():
        raise ServiceError("Write a short report of what you tested.", field="report")
    signup.logged_minutes, signup.report = minutes, report.strip()
    signup.status = TestSignup.Status.LOGGED
    signup.save(update_fields=["logged_minutes", "report", "status"])
    return signup


@transaction.atomic
def signup_confirm(
    *, signup: TestSignup, minutes: int, cut_reason: str = "", confirmed_by
) -> TestSignup:
    """Confirm hours; any cut is explained to the artist. Confirmed hours earn the session rate."""
    signup = (
        TestSignup.objects.select_for_update()
        .select_related("tester__user", "assignment")
        .get(pk=signup.pk)
    )
    if signup.status != TestSignup.Status.LOGGED:
        raise Conflict("Only logged, unconfirmed hours can be confirmed.", code="not_logged")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise ServiceError("Confirm a positive number of minutes.", field="minutes")
    if minutes > signup.logged_minutes:
        raise Conflict("You cannot confirm more than was logged.", field="minutes")
    if minutes < signup.logged_minutes and not cut_reason.strip():
        raise Conflict("Explain to the artist why hours were cut.", field="cut_reason")
    signup.confirmed_minutes = minutes
    signup.cut_reason = cut_reason.strip()
    signup.status = TestSignup.Status.CONFIRMED
    signup.confirmed_by = confirmed_by
    signup.confirmed_at = timezone.now()
    signup.save()
    earning_record(
        tester=signup.tester,
        rule="session.hours",
        source=signup,
        occurred_at=signup.created_at,
        params={"minutes": minutes},
        description=f"Test session: {signup.assignment.title}",
        url="/portal/payouts/#sessions",
    )
    body = f"{minutes // 60}h{minutes % 60:02d} confirmed."
    if signup.cut_reason:
        body += f" {signup.logged_minutes - minutes} minutes were cut: {signup.cut_reason}"
    notify(
        user=signup.tester.user,
        kind="payments.session_confirmed",
        title=f"Hours confirmed: {signup.assignment.title}",
        body=body,
        url="/portal/payouts/#sessions",
    )
    return signup
