import secrets
from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from atelier.errors import ServiceError
from program.access import forms as f
from program.access import pause as pauses
from program.access import services
from program.access.limits import security_for
from program.access.models import SecurityFlag, TokenQuarantine
from program.access.network import client_ip
from program.access.selectors import (
    audit_actions,
    audit_list,
    audit_list_for_tester,
    flag_list,
    pause_list,
    quarantine_list,
    quarantine_list_for_tester,
    token_list,
)
from program.roles import Role, role_required
from program.views import _staff_program, _tester_or_404

STAFF = (Role.PROGRAM_STAFF,)


def _form_error(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- Artist: my tokens -------------------------------------------------------------------------


# A one-time value in the create form: reloading the page that shows a new token re-sends the
# form, and that must not quietly create (and show) a second token.
FORM_ONCE_KEY = "access_token_form_once"


def _tokens_page(request, tester, *, form=None, issued=None, status=200):
    request.session[FORM_ONCE_KEY] = secrets.token_urlsafe(16)
    response = render(
        request,
        "portal/tokens.html",
        {
            "tester": tester,
            "tokens": token_list(tester=tester),
            "quarantines": quarantine_list_for_tester(tester=tester)[:20],
            "audit_events": audit_list_for_tester(tester=tester)[:30],
            "form": form or f.TokenCreateForm(),
            "issued": issued,
            "form_once": request.session[FORM_ONCE_KEY],
        },
        status=status,
    )
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ARTIST)
def portal_tokens(request):
    tester = _tester_or_404(request)
    if request.method != "POST":
        return _tokens_page(request, tester)
    once = request.POST.get("once")
    if once and once != request.session.pop(FORM_ONCE_KEY, None):
        messages.info(
            request,
            "That form was already sent, so no new token was made. A token is shown only once: "
            "if you did not copy it, revoke it and create another.",
        )
        return redirect("portal-tokens")
    form = f.TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            issued = services.token_issue(
                tester=tester,
                created_by=request.user,
                ip_address=client_ip(request),
                **form.cleaned_data,
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            return _tokens_page(request, tester, issued=issued, status=201)
    return _tokens_page(request, tester, form=form, status=400)


@never_cache
@require_POST
@role_required(Role.ARTIST)
def portal_token_rotate(request, pk: int):
    tester = _tester_or_404(request)
    token = get_object_or_404(token_list(tester=tester), pk=pk)
    try:
        issued = services.token_rotate(
            token=token, actor=request.user, ip_address=client_ip(request)
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("portal-tokens")
    messages.success(request, f"“{token.name}” was replaced; the old token no longer works.")
    return _tokens_page(request, tester, issued=issued, status=201)


@require_POST
@role_required(Role.ARTIST)
def portal_token_revoke(request, pk: int):
    tester = _tester_or_404(request)
    token = get_object_or_404(token_list(tester=tester), pk=pk)
    services.token_revoke(
        token=token,
        reason="Revoked by its owner",
        actor=request.user,
        ip_address=client_ip(request),
    )
    messages.success(request, f"“{token.name}” is revoked; it stopped working at once.")
    return redirect("portal-tokens")


# --- Staff: security ---------------------------------------------------------------------------


@require_safe
@role_required(*STAFF)
def staff_security(request):
    program = _staff_program(request)
    return render(
        request,
        "staff/security.html",
        {
            "program": program,
            "quarantines": quarantine_list(program=program)[:100],
            "released": quarantine_list(program=program, state="released")[:10],
            "flags": flag_list(program=program)[:100],
            "pauses": pause_list(program=program)[:20],
            "pause_form": f.ReasonForm(),
            "resume_form": f.OptionalReasonForm(),
            "release_form": f.ReasonForm(),
            "resolve_form": f.ResolveForm(),
            "security": security_for(program),
        },
    )


def _staff_action(request, form_class, action, *, invalid: str, done: str):
    """Run one staff POST: validate the form, call the service, report back on the page."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("staff-security")
    try:
        action(actor=request.user, ip_address=client_ip(request), **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("staff-security")


@require_POST
@role_required(*STAFF)
def staff_quarantine_release(request, pk: int):
    program = _staff_program(request)
    quarantine = get_object_or_404(TokenQuarantine, pk=pk, token__tester__program=program)
    return _staff_action(
        request,
        f.ReasonForm,
        partial(services.token_release, quarantine=quarantine),
        invalid="Say why the token is released.",
        done=f"Token {quarantine.token.prefix}… works again.",
    )


@require_POST
@role_required(*STAFF)
def staff_flag_resolve(request, pk: int):
    program = _staff_program(request)
    flag = get_object_or_404(SecurityFlag, pk=pk, token__tester__program=program)
    return _staff_action(
        request,
        f.ResolveForm,
        partial(services.security_flag_resolve, flag=flag),
        invalid="Say what you found.",
        done="Flag resolved.",
    )


@require_POST
@role_required(*STAFF)
def staff_program_pause(request):
    return _staff_action(
        request,
        f.ReasonForm,
        partial(pauses.program_pause, program=_staff_program(request)),
        invalid="Give a reason; artists will see it.",
        done="The program is paused. New generation requests get 503 program_paused.",
    )


@require_POST
@role_required(*STAFF)
def staff_program_resume(request):
    return _staff_action(
        request,
        f.OptionalReasonForm,
        partial(pauses.program_resume, program=_staff_program(request)),
        invalid="The reason is at most 2000 characters.",
        done="The program is running again; held jobs are dispatched.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*STAFF)
def staff_security_settings(request):
    program = _staff_program(request)
    security = security_for(program)
    form = f.ProgramSecurityForm(initial=f.ProgramSecurityForm.initial_from(security))
    if request.method == "POST":
        form = f.ProgramSecurityForm(request.POST)
        if form.is_valid():
            try:
                services.program_security_update(
                    program=program,
                    actor=request.user,
                    ip_address=client_ip(request),
                    **form.cleaned_data,
                )
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Security settings saved.")
                return redirect("staff-security-settings")
    return render(
        request,
        "staff/security_settings.html",
        {"program": program, "form": form, "security": security},
        status=400 if form.errors else 200,
    )


@require_safe
@role_required(*STAFF)
def staff_audit(request):
    form = f.AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_list(**{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "staff/audit.html", {"form": form, "page": page, "actions": audit_actions()}
    )
