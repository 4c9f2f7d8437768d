"""Feedback pages: artists file and follow their own items; program staff triage."""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from atelier.errors import ServiceError
from generation.models import GenerationJob
from program.feedback.clocks import feedback_clocks, slo_targets
from program.feedback.forms import (
    BulkForm,
    CommentForm,
    FeedbackForm,
    ShipForm,
    StaffCommentForm,
    TransitionForm,
)
from program.feedback.models import Feedback
from program.feedback.selectors import (
    feedback_comments,
    feedback_detail,
    feedback_for_tester,
    feedback_queue,
)
from program.feedback.services import (
    feedback_attachment_add,
    feedback_bulk_transition,
    feedback_comment_add,
    feedback_create,
    feedback_ship,
    feedback_transition,
)
from program.feedback.severity import SEVERITY_SCALE
from program.roles import Role, role_required
from program.selectors import program_current
from program.views import _staff_program, _tester_or_404

STAFF = (Role.PROGRAM_STAFF,)
_ID = re.compile(r"[1-9][0-9]{0,17}")  # ASCII digits within BigAutoField range


def _form_error(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _with_clocks(items):
    return [(item, feedback_clocks(item)) for item in items]


@require_safe
def severity_scale(request):
    """Public: the severity scale with its definitions."""
    return render(
        request,
        "feedback/severity.html",
        {"scale": SEVERITY_SCALE, "targets": slo_targets(), "program": program_current()},
    )


# --- Artist -----------------------------------------------------------------------------------


@role_required(Role.ARTIST)
@require_safe
def feedback_list(request):
    tester = _tester_or_404(request)
    state = request.GET.get("state", "")
    page = Paginator(feedback_for_tester(tester=tester, state=state), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "feedback/list.html",
        {
            "page": page,
            "rows": _with_clocks(page.object_list),
            "state": state,
            "states": Feedback.State.choices,
            "targets": slo_targets(),
        },
    )


@role_required(Role.ARTIST)
@require_http_methods(["GET", "POST"])
def feedback_new(request):
    tester = _tester_or_404(request)
    jobs = GenerationJob.objects.filter(tester=tester, deleted_at__isnull=True).order_by(
        "-created_at"
    )[:100]
    preselect = request.GET.get("job", "")
    initial = {"jobs": [preselect]} if preselect else {}
    form = FeedbackForm(jobs=jobs, initial=initial)
    if request.method == "POST":
        form = FeedbackForm(request.POST, request.FILES, jobs=jobs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_create(
                    tester=tester,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    severity=data["severity"],
                    job_ids=data["jobs"],
                    files=data["files"],
                )
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Thank you. Your feedback is filed and its clocks run.")
                return redirect("feedback-detail", pk=feedback.pk)
    return render(
        request,
        "feedback/new.html",
        {"form": form, "scale": SEVERITY_SCALE, "targets": slo_targets()},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ARTIST)
@require_http_methods(["GET", "POST"])
def feedback_detail_page(request, pk: int):
    tester = _tester_or_404(request)
    feedback = feedback_detail(pk=pk, tester=tester)
    if feedback is None:
        raise Http404("No such feedback.")
    form = CommentForm()
    if request.method == "POST":
        form = CommentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                if form.cleaned_data["file"]:
                    feedback_attachment_add(
                        feedback=feedback, user=request.user, upload=form.cleaned_data["file"]
                    )
                feedback_comment_add(
                    feedback=feedback, author=request.user, body=form.cleaned_data["body"]
                )
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Reply sent.")
                return redirect("feedback-detail", pk=feedback.pk)
    return render(
        request,
        "feedback/detail.html",
        {
            "feedback": feedback,
            "clocks": feedback_clocks(feedback),
            "comments": feedback_comments(feedback=feedback, include_internal=False),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Staff ------------------------------------------------------------------------------------


@role_required(*STAFF)
@require_safe
def staff_queue(request):
    program = _staff_program(request)
    filters = {key: request.GET.get(key, "").strip() for key in ("state", "kind", "severity")}
    filters["state"] = request.GET.get("state", "open")
    overdue = request.GET.get("overdue") == "1"
    search = request.GET.get("search", "").strip()
    queue = feedback_queue(program=program, overdue=overdue, search=search, **filters)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/staff_queue.html",
        {
            "page": page,
            "rows": _with_clocks(page.object_list),
            "filters": filters,
            "overdue": overdue,
            "search": search,
            "states": Feedback.State.choices,
            "kinds": Feedback.Kind.choices,
            "severities": Feedback.Severity.choices,
            "bulk_form": BulkForm(),
        },
    )


@role_required(*STAFF)
@require_POST
def staff_bulk(request):
    program = _staff_program(request)
    form = BulkForm(request.POST)
    ids = [int(value) for value in request.POST.getlist("ids") if _ID.fullmatch(value)]
    if not form.is_valid() or not ids:
        messages.error(request, "Choose items and an action.")
    else:
        result = feedback_bulk_transition(
            ids=ids,
            program=program,
            actor=request.user,
            to_state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"{len(result['changed'])} item(s) updated.")
        for pk, error in result["errors"].items():
            messages.warning(request, f"#{pk}: {error}")
    return redirect("feedback-queue")


def _staff_item(request, pk: int) -> Feedback:
    feedback = feedback_detail(pk=pk, program=_staff_program(request), staff=True)
    if feedback is None:
        raise Http404("No such feedback.")
    return feedback


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def staff_detail(request, pk: int):
    feedback = _staff_item(request, pk)
    comment_form = StaffCommentForm()
    transition_form = TransitionForm(feedback=feedback)
    ship_form = ShipForm(initial={"version": feedback.shipped_in_version})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "comment":
                comment_form = StaffCommentForm(request.POST)
                if comment_form.is_valid():
                    feedback_comment_add(
                        feedback=feedback,
                        author=request.user,
                        body=comment_form.cleaned_data["body"],
                        internal=comment_form.cleaned_data["internal"],
                    )
                    return redirect("feedback-staff-detail", pk=pk)
            elif action == "transition":
                transition_form = TransitionForm(request.POST, feedback=feedback)
                if transition_form.is_valid():
                    data = transition_form.cleaned_data
                    original = None
                    if data["duplicate_of"]:
                        original = feedback_detail(
                            pk=data["duplicate_of"], program=feedback.program
                        )
                        if original is None:
                            raise ServiceError("No such original.", field="duplicate_of")
                    feedback_transition(
                        feedback=feedback,
                        actor=request.user,
                        to_state=data["state"],
                        note=data["note"],
                        duplicate_of=original,
                    )
                    messages.success(request, "State changed; the artist is told.")
                    return redirect("feedback-staff-detail", pk=pk)
            elif action == "ship":
                ship_form = ShipForm(request.POST)
                if ship_form.is_valid():
                    feedback_ship(
                        feedback=feedback,
                        actor=request.user,
                        version=ship_form.cleaned_data["version"],
                    )
                    return redirect("feedback-staff-detail", pk=pk)
        except ServiceError as exc:
            form = {"comment": comment_form, "transition": transition_form}.get(action, ship_form)
            _form_error(form, exc)
        status = 400
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "feedback": feedback,
            "clocks": feedback_clocks(feedback),
            "comments": feedback.comments.all(),
            "comment_form": comment_form,
            "transition_form": transition_form,
            "ship_form": ship_form,
            "duplicates": feedback.duplicates.all(),
        },
        status=status,
    )
