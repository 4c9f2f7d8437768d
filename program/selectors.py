from django.db.models import Count, Q, QuerySet

from program.models import Agreement, AgreementAcceptance, Program, Tester


def program_current() -> Program | None:
    """The program the platform is running now: the newest one that is not closed."""
    return (
        Program.objects.exclude(status=Program.Status.CLOSED).order_by("-starts_on").first()
        or Program.objects.order_by("-starts_on").first()
    )


def tester_for_user(user, program: Program | None = None) -> Tester | None:
    if not user or not user.is_authenticated:
        return None
    program = program or program_current()
    if program is None:
        return None
    return (
        Tester.objects.select_related("program", "user").filter(program=program, user=user).first()
    )


def tester_list(
    *,
    program: Program,
    search: str = "",
    status: str = "",
    country: str = "",
    cohort: str = "",
) -> QuerySet[Tester]:
    queryset = Tester.objects.filter(program=program).select_related("user")
    if search:
        queryset = queryset.filter(
            Q(display_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(cohort__icontains=search)
        )
    if status:
        queryset = queryset.filter(status=status)
    if country:
        queryset = queryset.filter(country=country.upper())
    if cohort:
        queryset = queryset.filter(cohort=cohort)
    return queryset.order_by("display_name", "pk")


def tester_counts_by_status(*, program: Program) -> dict[str, int]:
    counts = dict(
        Tester.objects.filter(program=program)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Tester.Status.values}


def tester_cohorts(*, program: Program) -> list[str]:
    return list(
        Tester.objects.filter(program=program)
        .exclude(cohort="")
        .order_by("cohort")
        .values_list("cohort", flat=True)
        .distinct()
    )


def agreement_current(*, program: Program) -> Agreement | None:
    return program.agreements.order_by("-version").first()


def acceptance_list(*, tester: Tester) -> QuerySet[AgreementAcceptance]:
    return tester.acceptances.select_related("agreement").order_by("-accepted_at")


def acceptance_of_current(*, tester: Tester) -> AgreementAcceptance | None:
    current = agreement_current(program=tester.program)
    if current is None:
        return None
    return tester.acceptances.filter(agreement=current).first()


def notification_list(*, user, unread_only: bool = False):
    from program.models import Notification

    queryset = Notification.objects.filter(user=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    from program.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
