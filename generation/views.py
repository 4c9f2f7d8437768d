"""Web pages: generate, my videos, a video's page (live progress via htmx), staff overview."""

import mimetypes
import os

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from atelier.errors import ServiceError
from generation import registry
from generation.forms import GenerateForm, RemixForm
from generation.models import ASSET_CONTENT_TYPES, GenerationJob
from generation.selectors import (
    estimated_start,
    job_get_for_tester,
    job_list_all,
    job_list_for_tester,
    queue_depth,
    queue_position,
    quota_summary,
    workers_list,
)
from generation.services import job_cancel, job_create, job_delete, job_remix
from program.roles import Role, role_required
from program.selectors import tester_for_user


def _tester(request):
    tester = tester_for_user(request.user)
    if tester is None:
        raise Http404("You are not a member of the current program.")
    return tester


def _own(request, public_id: str) -> GenerationJob:
    job = job_get_for_tester(tester=_tester(request), public_id=public_id)
    if job is None:
        raise Http404("No such video.")
    return job


def _form_error(form, exc: ServiceError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ARTIST)
def generate(request):
    tester = _tester(request)
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_create(tester=tester, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Queued. This page updates as it runs.")
            return redirect("generation-video", public_id=job.public_id)
    specs = registry.model_specs()
    return render(
        request,
        "generation/generate.html",
        {
            "form": form,
            "models": specs.values(),
            "quota": quota_summary(tester=tester),
            "paused": tester.program.status == tester.program.Status.PAUSED,
            "program": tester.program,
        },
    )


@require_safe
@role_required(Role.ARTIST)
def my_videos(request):
    jobs = job_list_for_tester(tester=_tester(request))
    page = Paginator(jobs, 24).get_page(request.GET.get("page"))
    return render(request, "generation/my_videos.html", {"page": page})


def _status_context(job: GenerationJob) -> dict:
    position = queue_position(job=job)
    spec = registry.model_get(job.model)
    return {
        "job": job,
        "position": position,
        "estimated_start": estimated_start(job=job, position=position)
        if position is not None
        else None,
        "noise": bool(spec and spec.output_is_noise),
    }


@require_safe
@role_required(Role.ARTIST)
def video_detail(request, public_id: str):
    job = _own(request, public_id)
    context = _status_context(job) | {"remix_form": RemixForm()}
    return render(request, "generation/video_detail.html", context)


@require_safe
@role_required(Role.ARTIST)
def video_status(request, public_id: str):
    """The htmx-polled part of the video page; polling stops once the job is final."""
    job = _own(request, public_id)
    response = render(request, "generation/_status.html", _status_context(job))
    if request.htmx and job.is_final:
        # The rest of the page (cancel, remix) depends on the state: reload it once.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(Role.ARTIST)
def video_cancel(request, public_id: str):
    try:
        job_cancel(job=_own(request, public_id))
        messages.success(request, "Cancelled.")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("generation-video", public_id=public_id)


@require_POST
@role_required(Role.ARTIST)
def video_delete(request, public_id: str):
    job_delete(job=_own(request, public_id))
    messages.success(request, "Deleted, with its files.")
    return redirect("generation-videos")


@require_POST
@role_required(Role.ARTIST)
def video_remix(request, public_id: str):
    source = _own(request, public_id)
    form = RemixForm(request.POST)
    if form.is_valid():
        try:
            job = job_remix(source=source, prompt=form.cleaned_data["prompt"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("generation-video", public_id=job.public_id)
    else:
        messages.error(request, "Write a prompt for the remix.")
    return redirect("generation-video", public_id=public_id)


@require_safe
@role_required(Role.PROGRAM_STAFF)
def staff_jobs(request):
    status = request.GET.get("status", "")
    if status not in GenerationJob.Status.values:
        status = ""
    page = Paginator(job_list_all(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "generation/staff_jobs.html",
        {
            "page": page,
            "status": status,
            "statuses": GenerationJob.Status.choices,
            "depth": queue_depth(),
            "workers": workers_list(),
        },
    )


@require_safe
@role_required(Role.PROGRAM_STAFF)
def staff_job(request, public_id: str):
    job = get_object_or_404(
        GenerationJob.objects.select_related("tester__user", "token"), public_id=public_id
    )
    return render(request, "generation/staff_job.html", {"job": job})


@require_safe
@role_required(Role.PROGRAM_STAFF)
def staff_job_content(request, public_id: str):
    """A job's files for staff (feedback triage, abuse review). Files are never served from a
    public media URL: each download is checked here or by /v1/videos/{id}/content."""
    job = get_object_or_404(GenerationJob, public_id=public_id, deleted_at__isnull=True)
    variant = request.GET.get("variant", "video")
    if variant not in ASSET_CONTENT_TYPES:
        return HttpResponseBadRequest(
            "variant must be video, thumbnail or spritesheet.", content_type="text/plain"
        )
    file = getattr(job, variant)
    if not file or not os.path.exists(file.path):
        raise Http404("This video has no such file.")
    extension = mimetypes.guess_extension(ASSET_CONTENT_TYPES[variant]) or ""
    return FileResponse(
        open(file.path, "rb"),
        content_type=ASSET_CONTENT_TYPES[variant],
        filename=f"{job.public_id}{extension}",
    )
