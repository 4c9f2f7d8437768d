from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from atelier.errors import ServiceError
from payments import exports
from payments.forms import (
    AssignmentForm,
    ClosePeriodForm,
    ConfirmHoursForm,
    LogHoursForm,
    MarkPaidForm,
    PolicyForm,
    RailForm,
)
from payments.gateways import GatewayError
from payments.models import (
    CompensationPolicy,
    Payout,
    PayoutBatch,
    PayoutPeriod,
    TestAssignment,
    TestSignup,
)
from payments.selectors import (
    assignments_all,
    assignments_open,
    batch_report,
    earnings_this_period,
    money_map,
    payable_balance,
    payee_for,
    payouts_for_tester,
    periods_list,
    signups_for_tester,
    statement_for,
    statement_months,
    transparency_figures,
    year_end_report,
)
from payments.services.payouts import (
    YEAR_MAX,
    YEAR_MIN,
    batch_approve,
    batch_pay_start,
    month_parse,
    payee_set_rail,
    payout_mark_manual_paid,
    period_start,
    stripe_onboarding_link,
)
from payments.services.policy import policy_in_force, policy_publish, policy_upcoming
from payments.services.reconcile import reconcile_stripe
from payments.services.sessions import assignment_create, signup_confirm, signup_create, signup_log
from payments.services.webhooks import webhook_receive
from program.access.network import client_ip
from program.models import Tester
from program.roles import Role, role_required
from program.selectors import program_current, tester_for_user

FINANCE = (Role.FINANCE,)
require_get_post = require_http_methods(["GET", "HEAD", "POST"])
POLICY_ROLES = (Role.PROGRAM_STAFF, Role.FINANCE)


def _tester(request) -> Tester:
    tester = tester_for_user(request.user)
    if tester is None:
        raise Http404("You are not a member of the current program.")
    return tester


def _program():
    program = program_current()
    if program is None:
        raise Http404("No program yet.")
    return program


# --- Public ------------------------------------------------------------------------------------


@require_safe
def transparency(request):
    program = _program()
    return render(
        request,
        "payments/transparency.html",
        {"program": program, "figures": transparency_figures(program=program)},
    )


@require_safe
def compensation(request):
    program = _program()
    return render(
        request,
        "payments/compensation.html",
        {
            "program": program,
            "policy": policy_in_force(program=program),
            "upcoming": policy_upcoming(program=program),
            "versions": CompensationPolicy.objects.filter(program=program).order_by("-version"),
        },
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = webhook_receive(
            payload=request.body, header=request.headers.get("Stripe-Signature", "")
        )
    except ServiceError as exc:
        return JsonResponse({"error": {"message": exc.message, "code": exc.code}}, status=400)
    return JsonResponse({"received": True, "id": event.event_id, "result": event.result})


# --- Artist ------------------------------------------------------------------------------------


@require_get_post
@role_required(Role.ARTIST)
def portal_payouts(request):
    tester = _tester(request)
    rail_form = RailForm(initial={"rail": getattr(payee_for(tester=tester), "rail", "stripe")})
    if request.method == "POST":
        rail_form = RailForm(request.POST)
        if rail_form.is_valid():
            payee_set_rail(tester=tester, **rail_form.cleaned_data)
            messages.success(request, "Payout method saved.")
            return redirect("payments-portal")
    response = render(
        request,
        "payments/portal.html",
        {
            "tester": tester,
            "payee": payee_for(tester=tester),
            "rail_form": rail_form,
            "policy": policy_in_force(program=tester.program),
            "upcoming": policy_upcoming(program=tester.program),
            "months": statement_months(tester=tester),
            "payouts": payouts_for_tester(tester=tester)[:24],
            "balance": money_map(payable_balance(tester=tester)),
            "this_period": money_map(earnings_this_period(tester=tester)),
            "assignments": assignments_open(program=tester.program),
            "signups": signups_for_tester(tester=tester),
            "my_assignment_ids": set(
                signups_for_tester(tester=tester).values_list("assignment_id", flat=True)
            ),
            "log_form": LogHoursForm(),
        },
    )
    # The onboarding form posts here and is redirected to Stripe's hosted onboarding; the
    # browser checks that whole navigation against this page's form-action.
    response._csp_update = {"form-action": [settings.STRIPE_CONNECT_ORIGIN]}
    return response


@require_POST
@role_required(Role.ARTIST)
def portal_onboarding(request):
    tester = _tester(request)
    try:
        url = stripe_onboarding_link(
            tester=tester,
            refresh_url=request.build_absolute_uri(reverse("payments-portal")),
            return_url=request.build_absolute_uri(reverse("payments-onboarding-return")),
        )
    except ServiceError as exc:
        messages.error(request, f"Stripe is not available right now: {exc.message}")
        return redirect("payments-portal")
    return redirect(url)


@require_safe
@role_required(Role.ARTIST)
def portal_onboarding_return(request):
    _tester(request)
    messages.info(
        request,
        "Thanks. Stripe will confirm when your account can receive payouts; this page shows it then.",
    )
    return redirect("payments-portal")


def _statement_response(statement: dict, fmt: str, request, template: str):
    if fmt not in ("html", "csv", "pdf"):
        raise Http404("Unknown format.")
    if fmt == "csv":
        return exports.statement_csv(statement)
    if fmt == "pdf":
        return exports.statement_pdf(statement)
    return render(request, template, {"statement": statement})


@require_safe
@role_required(Role.ARTIST)
def portal_statement(request, month: str, fmt: str = "html"):
    tester = _tester(request)
    try:
        statement = statement_for(tester=tester, month=month_parse(month))
    except ServiceError:
        raise Http404 from None
    return _statement_response(statement, fmt, request, "payments/statement.html")


@require_POST
@role_required(Role.ARTIST)
def portal_session_signup(request, pk: int):
    tester = _tester(request)
    assignment = get_object_or_404(TestAssignment, pk=pk, program=tester.program)
    try:
        signup_create(assignment=assignment, tester=tester)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You are signed up for {assignment.title}.")
    return redirect(reverse("payments-portal") + "#sessions")


@require_POST
@role_required(Role.ARTIST)
def portal_session_log(request, pk: int):
    tester = _tester(request)
    signup = get_object_or_404(TestSignup, pk=pk, tester=tester)
    form = LogHoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Log a positive number of minutes and a short report.")
    else:
        try:
            signup_log(signup=signup, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Hours logged; staff will confirm them.")
    return redirect(reverse("payments-portal") + "#sessions")


# --- Finance console ---------------------------------------------------------------------------


@require_get_post
@role_required(*FINANCE)
def finance_console(request):
    program = _program()
    form = ClosePeriodForm()
    if request.method == "POST":
        form = ClosePeriodForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    period = period_start(
                        program=program,
                        month=month_parse(form.cleaned_data["month"]),
                        closed_by=request.user,
                    )
                    from payments.tasks import enqueue_on_commit, period_close

                    enqueue_on_commit(period_close, period.pk)
            except ServiceError as exc:
                form.add_error("month", exc.message)
            else:
                messages.success(request, f"Closing {period.label}…")
                return redirect("payments-finance")
    return render(
        request,
        "payments/finance.html",
        {"program": program, "periods": periods_list(program=program), "form": form},
    )


@require_safe
@role_required(*FINANCE)
def period_status(request, pk: int):
    period = get_object_or_404(PayoutPeriod.objects.select_related("batch"), pk=pk)
    return render(request, "payments/_period_row.html", {"period": period})


@require_safe
@role_required(*FINANCE)
def batch_detail(request, pk: int, fmt: str = "html"):
    batch = get_object_or_404(
        PayoutBatch.objects.select_related("period", "created_by", "approved_by"), pk=pk
    )
    if fmt not in ("html", "csv", "pdf", "manual"):
        raise Http404("Unknown format.")
    report = batch_report(batch=batch)
    if fmt == "csv":
        return exports.csv_response(
            f"atelier-batch-{batch.pk}.csv", exports.BATCH_HEADERS, exports.batch_rows(report)
        )
    if fmt == "pdf":
        return exports.pdf_response(
            f"atelier-batch-{batch.pk}.pdf",
            f"Payout batch #{batch.pk} — {batch.period.label}",
            f"Status {batch.status}; closed by {batch.created_by or 'system'}; approved by {batch.approved_by or '—'}",
            exports.BATCH_HEADERS,
            exports.batch_rows(report),
            exports.batch_notes(report),
        )
    if fmt == "manual":
        rows = [
            [
                p.pk,
                p.tester.display_name,
                p.tester.user.email,
                p.tester.country,
                exports.plain_minor(p.amount_minor, p.currency),
                p.currency,
                getattr(getattr(p.tester, "payee", None), "bank_details_note", ""),
                f"ATELIER-{p.pk}",
            ]
            for p in report["payouts"]
            if p.status == Payout.Status.AWAITING_MANUAL
        ]
        return exports.csv_response(
            f"atelier-batch-{batch.pk}-bank-transfers.csv",
            [
                "payout",
                "artist",
                "email",
                "country",
                "amount",
                "currency",
                "bank_details",
                "suggested_reference",
            ],
            rows,
        )
    template = "payments/_batch_status.html" if request.htmx else "payments/batch.html"
    return render(
        request, template, {"report": report, "batch": batch, "mark_form": MarkPaidForm()}
    )


@require_POST
@role_required(*FINANCE)
def batch_approve_view(request, pk: int):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    try:
        batch_approve(batch=batch, approver=request.user, ip_address=client_ip(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Batch approved.")
    return redirect("payments-batch", pk=pk)


@require_POST
@role_required(*FINANCE)
def batch_pay_view(request, pk: int):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    try:
        with transaction.atomic():
            batch_pay_start(batch=batch, actor=request.user)
            from payments.tasks import batch_pay, enqueue_on_commit

            enqueue_on_commit(batch_pay, batch.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Paying… this page updates as payouts go out.")
    return redirect("payments-batch", pk=pk)


@require_POST
@role_required(*FINANCE)
def payout_mark_paid_view(request, pk: int):
    payout = get_object_or_404(Payout, pk=pk)
    form = MarkPaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the bank transfer reference.")
    else:
        try:
            payout_mark_manual_paid(
                payout=payout, reference=form.cleaned_data["reference"], actor=request.user
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Payout #{payout.pk} marked paid.")
    return redirect("payments-batch", pk=payout.batch_id)


@require_get_post
@role_required(*FINANCE)
def reconcile(request):
    problems, error = None, ""
    if request.method == "POST":
        try:
            problems = reconcile_stripe(program=_program())
        except GatewayError as exc:
            error = exc.message
    return render(request, "payments/reconcile.html", {"problems": problems, "error": error})


@require_safe
@role_required(*FINANCE)
def year_end(request, year: int | None = None, fmt: str = "html"):
    year = year or timezone.localdate().year
    if fmt not in ("html", "csv", "pdf") or not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("Unknown format or year.")
    report = year_end_report(program=_program(), year=year)
    headers = ["artist", "email", "country", "currency", "total", "payouts", "over_threshold"]
    rows = [
        [
            a["name"],
            a["email"],
            a["country"],
            a["currency"],
            exports.plain_minor(a["total_minor"], a["currency"]),
            a["payouts"],
            "yes" if a["over_threshold"] else "no",
        ]
        for a in report["artists"]
    ]
    if fmt == "csv":
        return exports.csv_response(f"atelier-year-end-{year}.csv", headers, rows)
    if fmt == "pdf":
        return exports.pdf_response(
            f"atelier-year-end-{year}.pdf",
            f"Year-end payments {year}",
            f"Reporting threshold {report['threshold_minor']} minor units; "
            f"{len(report['over_threshold'])} artists over it",
            headers,
            rows,
            [],
        )
    return render(request, "payments/year_end.html", {"report": report})


@require_safe
@role_required(*FINANCE)
def finance_statement(request, tester_id: int, month: str, fmt: str = "html"):
    tester = get_object_or_404(Tester, pk=tester_id, program=_program())
    try:
        statement = statement_for(tester=tester, month=month_parse(month))
    except ServiceError:
        raise Http404 from None
    return _statement_response(statement, fmt, request, "payments/statement.html")


# --- Staff: policy and sessions ----------------------------------------------------------------


@require_get_post
@role_required(*POLICY_ROLES)
def staff_policy(request):
    program = _program()
    current = policy_in_force(program=program)
    form = PolicyForm(initial_policy=current)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                policy = policy_publish(
                    program=program, published_by=request.user, **form.service_kwargs()
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Published policy v{policy.version}.")
                return redirect("payments-staff-policy")
    return render(
        request,
        "payments/staff_policy.html",
        {"form": form, "current": current, "versions": program.policies.order_by("-version")},
    )


@require_get_post
@role_required(Role.PROGRAM_STAFF)
def staff_sessions(request):
    program = _program()
    form = AssignmentForm()
    if request.method == "POST":
        form = AssignmentForm(request.POST)
        if form.is_valid():
            try:
                assignment_create(program=program, created_by=request.user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Test session published.")
                return redirect("payments-staff-sessions")
    return render(
        request,
        "payments/staff_sessions.html",
        {"form": form, "assignments": assignments_all(program=program).order_by("-starts_on")},
    )


@require_get_post
@role_required(Role.PROGRAM_STAFF)
def staff_session_detail(request, pk: int):
    assignment = get_object_or_404(TestAssignment, pk=pk, program=_program())
    if request.method == "POST":
        signup_id = request.POST.get("signup", "")
        if not signup_id.isdigit():  # a forged form field is a missing signup, not a 500
            raise Http404("No such signup.")
        signup = get_object_or_404(TestSignup, pk=int(signup_id), assignment=assignment)
        form = ConfirmHoursForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Confirm a positive number of minutes.")
        else:
            try:
                signup_confirm(signup=signup, confirmed_by=request.user, **form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Hours confirmed for {signup.tester.display_name}.")
        return redirect("payments-staff-session", pk=pk)
    return render(
        request,
        "payments/staff_session.html",
        {
            "assignment": assignment,
            "signups": assignment.signups.select_related("tester").order_by("tester__display_name"),
        },
    )
