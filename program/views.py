from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from atelier.errors import ServiceError
from atelier.nav import render_panels
from program.access.network import client_ip
from program.forms import (
    AgreementAcceptForm,
    AgreementPublishForm,
    InvitationAcceptForm,
    InvitationDeclineForm,
    InviteCsvForm,
    InviteForm,
    TesterStatusForm,
)
from program.models import (
    AgreementAcceptance,
    Invitation,
    InvitationImport,
    NotificationPreference,
    Tester,
)
from program.roles import Role, has_role, is_staff_member, role_required
from program.selectors import (
    acceptance_list,
    acceptance_of_current,
    agreement_current,
    notification_list,
    program_current,
    tester_cohorts,
    tester_counts_by_status,
    tester_for_user,
    tester_list,
)
from program.services.agreements import agreement_accept, agreement_publish
from program.services.invitations import (
    InvitationInvalid,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_import_start,
    invitation_resend,
    invitation_resolve,
)
from program.services.notifications import (
    EMAIL_KIND_GROUPS,
    notification_preference_update,
    notifications_mark_read,
)
from program.services.testers import tester_change_status, testers_bulk_change_status

STAFF = (Role.PROGRAM_STAFF,)


@require_safe
def home(request):
    user = request.user
    if user.is_authenticated:
        if is_staff_member(user):
            return redirect("staff-overview")
        if has_role(user, Role.ARTIST):
            return redirect("portal-dashboard")
    return render(request, "home.html", {"program": program_current()})


@require_safe
def terms(request):
    program = program_current()
    agreement = agreement_current(program=program) if program else None
    return render(request, "program/terms.html", {"program": program, "agreement": agreement})


# --- Invitations (public, by signed link) -------------------------------------------------------


def invitation(request, token: str):
    try:
        invite = invitation_resolve(token)
    except InvitationInvalid as exc:
        return render(request, "program/invitation_invalid.html", {"error": exc}, status=400)
    accept_form = InvitationAcceptForm(initial={"display_name": invite.tester.display_name})
    decline_form = InvitationDeclineForm()
    if request.method == "POST" and request.POST.get("action") == "decline":
        decline_form = InvitationDeclineForm(request.POST)
        if decline_form.is_valid():
            invitation_decline(token=token, reason=decline_form.cleaned_data["reason"])
            return render(request, "program/invitation_declined.html", {"invitation": invite})
    elif request.method == "POST":
        accept_form = InvitationAcceptForm(request.POST)
        if accept_form.is_valid():
            try:
                tester = invitation_accept(
                    token=token,
                    password=accept_form.cleaned_data["password"],
                    display_name=accept_form.cleaned_data["display_name"],
                )
            except ServiceError as exc:
                accept_form.add_error(
                    exc.field if exc.field in accept_form.fields else None, exc.message
                )
            else:
                login(request, tester.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Welcome! One last step: read and accept the terms.")
                return redirect("portal-agreement")
    return render(
        request,
        "program/invitation.html",
        {"invitation": invite, "accept_form": accept_form, "decline_form": decline_form},
        status=400 if request.method == "POST" else 200,
    )


# --- Artist portal --------------------------------------------------------------------------------


def _tester_or_404(request) -> Tester:
    tester = tester_for_user(request.user)
    if tester is None:
        raise Http404("You are not a member of the current program.")
    return tester


@require_safe
@role_required(Role.ARTIST)
def portal_dashboard(request):
    tester = _tester_or_404(request)
    if tester.status == Tester.Status.ONBOARDING:
        return redirect("portal-agreement")
    return render(
        request,
        "portal/dashboard.html",
        {
            "tester": tester,
            "acceptance": acceptance_of_current(tester=tester),
            "panels": render_panels("ARTIST_PANELS", request, tester=tester),
        },
    )


@role_required(Role.ARTIST)
def portal_agreement(request):
    tester = _tester_or_404(request)
    agreement = agreement_current(program=tester.program)
    form = AgreementAcceptForm()
    if request.method == "POST" and agreement is not None:
        form = AgreementAcceptForm(request.POST)
        if form.is_valid():
            try:
                agreement_accept(
                    tester=tester,
                    agreement=agreement,
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Thank you. You are now an active tester.")
                return redirect("portal-dashboard")
    return render(
        request,
        "portal/agreement.html",
        {
            "tester": tester,
            "agreement": agreement,
            "current_acceptance": acceptance_of_current(tester=tester),
            "acceptances": acceptance_list(tester=tester),
            "form": form,
        },
    )


@require_safe
@role_required(Role.ARTIST, Role.PROGRAM_STAFF)
def acceptance_download(request, pk: int):
    acceptance = get_object_or_404(
        AgreementAcceptance.objects.select_related("agreement", "tester__user", "tester__program"),
        pk=pk,
    )
    if acceptance.tester.user_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404
    return agreement_text_response(acceptance)


def agreement_text_response(acceptance: AgreementAcceptance) -> HttpResponse:
    agreement = acceptance.agreement
    header = (
        f"{agreement.title}, version {agreement.version} — {acceptance.tester.program.name}\n"
        f"Accepted by {acceptance.tester.display_name} <{acceptance.tester.user.email}> "
        f"on {acceptance.accepted_at:%Y-%m-%d %H:%M:%S %Z} from {acceptance.ip_address or 'unknown IP'}\n"
        f"SHA-256 of the text: {acceptance.accepted_text_sha256}\n"
        f"{'-' * 72}\n\n"
    )
    response = HttpResponse(
        header + acceptance.accepted_text, content_type="text/plain; charset=utf-8"
    )
    filename = f"atelier-agreement-v{agreement.version}-{acceptance.accepted_at:%Y%m%d}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Staff console --------------------------------------------------------------------------------


def _staff_program(request):
    program = program_current()
    if program is None:
        raise Http404(
            "No program yet. Run `python manage.py seed_demo` or create one in the admin."
        )
    return program


@require_safe
@role_required(Role.CURATOR, Role.PROGRAM_STAFF, Role.FINANCE)
def staff_overview(request):
    program = _staff_program(request)
    return render(
        request,
        "staff/overview.html",
        {
            "program": program,
            "counts": tester_counts_by_status(program=program),
            "panels": render_panels("STAFF_PANELS", request, program=program),
        },
    )


@require_safe
@role_required(*STAFF)
def staff_testers(request):
    program = _staff_program(request)
    filters = {
        key: request.GET.get(key, "").strip() for key in ("search", "status", "country", "cohort")
    }
    page = Paginator(tester_list(program=program, **filters), 50).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "page": page,
        "filters": filters,
        "statuses": Tester.Status.choices,
        "cohorts": tester_cohorts(program=program),
        "counts": tester_counts_by_status(program=program),
        "bulk_form": TesterStatusForm(),
    }
    template = "staff/_tester_rows.html" if request.htmx else "staff/testers.html"
    return render(request, template, context)


@require_POST
@role_required(*STAFF)
def staff_testers_bulk(request):
    program = _staff_program(request)
    form = TesterStatusForm(request.POST)
    ids = [int(i) for i in request.POST.getlist("tester") if i.isdigit()]
    if not ids:
        messages.error(request, "Select at least one tester.")
    elif not form.is_valid():
        messages.error(request, "Choose a status and give a reason for the bulk change.")
    else:
        changed, refused = testers_bulk_change_status(
            testers=Tester.objects.filter(program=program, pk__in=ids),
            to_status=form.cleaned_data["status"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{len(changed)} tester(s) now {form.cleaned_data['status']}.")
        for tester, message in refused:
            messages.warning(request, f"{tester.display_name}: {message}")
    return redirect(request.POST.get("return_to") or "staff-testers")


@role_required(*STAFF)
def staff_tester_detail(request, pk: int):
    program = _staff_program(request)
    tester = get_object_or_404(Tester.objects.select_related("user"), pk=pk, program=program)
    form = TesterStatusForm(initial={"status": tester.status})
    if request.method == "POST":
        form = TesterStatusForm(request.POST)
        if form.is_valid():
            try:
                tester_change_status(
                    tester=tester,
                    to_status=form.cleaned_data["status"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, f"{tester.display_name} is now {form.cleaned_data['status']}."
                )
                return redirect("staff-tester", pk=tester.pk)
    return render(
        request,
        "staff/tester_detail.html",
        {
            "tester": tester,
            "form": form,
            "changes": tester.status_changes.select_related("actor")[:50],
            "acceptances": acceptance_list(tester=tester),
            "invitation": Invitation.objects.filter(tester=tester).first(),
        },
    )


@role_required(*STAFF)
def staff_invitations(request):
    program = _staff_program(request)
    invite_form, csv_form = InviteForm(), InviteCsvForm()
    if request.method == "POST" and "file" in request.FILES:
        csv_form = InviteCsvForm(request.POST, request.FILES)
        if csv_form.is_valid():
            upload = csv_form.cleaned_data["file"]
            try:
                job = invitation_import_start(
                    program=program,
                    content=upload.read(),
                    filename=upload.name,
                    uploaded_by=request.user,
                )
            except ServiceError as exc:
                csv_form.add_error("file", exc.message)
            else:
                return redirect("staff-invitation-import", pk=job.pk)
    elif request.method == "POST":
        invite_form = InviteForm(request.POST)
        if invite_form.is_valid():
            try:
                invitation_create(
                    program=program, invited_by=request.user, **invite_form.cleaned_data
                )
            except ServiceError as exc:
                invite_form.add_error(
                    exc.field if exc.field in invite_form.fields else None, exc.message
                )
            else:
                messages.success(
                    request, f"Invitation sent to {invite_form.cleaned_data['email']}."
                )
                return redirect("staff-invitations")
    invitations = (
        Invitation.objects.filter(tester__program=program)
        .select_related("tester")
        .order_by("-sent_at")
    )
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/invitations.html",
        {"invite_form": invite_form, "csv_form": csv_form, "page": page},
    )


@role_required(*STAFF)
def staff_invitation_import(request, pk: int):
    job = get_object_or_404(InvitationImport, pk=pk, program=_staff_program(request))
    template = "staff/_import_progress.html" if request.htmx else "staff/invitation_import.html"
    return render(request, template, {"job": job})


@require_POST
@role_required(*STAFF)
def staff_invitation_resend(request, pk: int):
    invite = get_object_or_404(Invitation, pk=pk)
    try:
        invitation_resend(invitation=invite, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"A new link was sent to {invite.email}; the old one no longer works."
        )
    return redirect("staff-invitations")


@role_required(*STAFF)
def staff_agreements(request):
    program = _staff_program(request)
    form = AgreementPublishForm()
    if request.method == "POST":
        form = AgreementPublishForm(request.POST)
        if form.is_valid():
            try:
                agreement = agreement_publish(
                    program=program, published_by=request.user, **form.cleaned_data
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Published version {agreement.version}.")
                return redirect("staff-agreements")
    return render(
        request,
        "staff/agreements.html",
        {"form": form, "agreements": program.agreements.all(), "program": program},
    )


@login_required
def notifications(request):
    if request.method == "POST" and request.POST.get("action") == "preferences":
        try:
            notification_preference_update(
                user=request.user,
                email_enabled=bool(request.POST.get("email_enabled")),
                email_muted_kinds=request.POST.getlist("email_muted_kinds"),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Preferences saved.")
        return redirect("notifications")
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("notifications")
    preference = NotificationPreference.objects.filter(user=request.user).first()
    page = Paginator(notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications.html",
        {
            "page": page,
            "kind_groups": EMAIL_KIND_GROUPS,
            "email_enabled": preference.email_enabled if preference else True,
            "muted": preference.email_muted_kinds if preference else [],
        },
    )
