"""OpenAI-compatible Videos API under /v1/, so `openai.OpenAI(base_url=".../v1")` just works.

Bearer tokens need `videos:write` for writes and `videos:read` for reads; a signed-in browser
session acts with the artist's own rights. Artists only ever see their own videos (404 else).
"""

import mimetypes
import os
import re
from datetime import timedelta

from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from atelier.errors import NotAllowed, ServiceError
from generation import registry
from generation import serializers as s
from generation.models import ASSET_CONTENT_TYPES, GenerationJob
from generation.selectors import (
    estimated_start,
    job_get_for_tester,
    job_list_for_tester,
    queue_position,
)
from generation.services import QuotaExceeded, job_create, job_delete, job_remix
from program.access.models import AccessToken
from program.access.permissions import HasScope
from program.selectors import tester_for_user

Status = GenerationJob.Status
VideosRead = HasScope.of("videos:read")
VideosWrite = HasScope.of("videos:write")
POLL_AFTER_MS = {Status.QUEUED: 2000, Status.IN_PROGRESS: 500}
CONTENT_TYPES = ASSET_CONTENT_TYPES
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _timestamp(value) -> int | None:
    return int(value.timestamp()) if value else None


def _seconds_text(job: GenerationJob) -> str:
    text = f"{job.seconds:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def video_object(job: GenerationJob, *, with_queue: bool = False) -> dict:
    """OpenAI's video object. A cancelled job reads as failed with error code `cancelled`."""
    status = Status.FAILED if job.status == Status.CANCELLED else job.status
    error = None
    if job.status == Status.FAILED:
        error = {"code": job.error_code or "generation_error", "message": job.error_message}
    elif job.status == Status.CANCELLED:
        error = {"code": "cancelled", "message": "The video was cancelled."}
    expires = None
    if job.finished_at and settings.GENERATION_ASSET_DAYS:
        expires = job.finished_at + timedelta(days=settings.GENERATION_ASSET_DAYS)
    position = queue_position(job=job) if with_queue and job.status == Status.QUEUED else None
    start = estimated_start(job=job, position=position) if position is not None else None
    spec = registry.model_get(job.model)
    return {
        "id": job.public_id,
        "object": "video",
        "model": job.model,
        "status": str(status),
        "progress": job.progress,
        "created_at": _timestamp(job.created_at),
        "completed_at": _timestamp(job.finished_at) if job.is_final else None,
        "expires_at": _timestamp(expires),
        "error": error,
        "prompt": job.prompt,
        "seconds": _seconds_text(job),
        "size": job.size,
        "remixed_from_video_id": job.remixed_from.public_id if job.remixed_from_id else None,
        "atelier_status": job.status,
        "negative_prompt": job.negative_prompt,
        "fps": job.fps,
        "num_frames": job.num_frames,
        "num_inference_steps": job.num_inference_steps,
        "guidance_scale": job.guidance_scale,
        "seed": job.seed,
        "started_at": _timestamp(job.started_at),
        "queue_position": position,
        "estimated_start_at": _timestamp(start),
        "gpu_seconds": round(job.gpu_seconds, 3),
        "output_is_noise": bool(spec and spec.output_is_noise),
    }


def model_object(spec: registry.ModelSpec) -> dict:
    try:
        created = int(os.path.getmtime(spec.path / "model_index.json"))
    except OSError:
        created = 0
    return {
        "id": spec.name,
        "object": "model",
        "created": created,
        "owned_by": "atelier",
        "description": spec.description,
        **spec.limits(),
    }


def caller(request) -> tuple:
    """The artist behind the request and the token used (None for a browser session)."""
    token = request.auth if isinstance(request.auth, AccessToken) else None
    if token is not None:
        return token.tester, token
    tester = tester_for_user(request.user)
    if tester is None:
        raise NotAllowed("Only program artists have videos.", code="not_a_tester")
    return tester, None


def own_job(request, video_id: str) -> GenerationJob:
    tester, _ = caller(request)
    job = job_get_for_tester(tester=tester, public_id=video_id)
    if job is None:
        raise ServiceError(
            f"No video found with id {video_id!r}.", code="video_not_found", status_code=404
        )
    return job


def _polled(response: Response, job: GenerationJob) -> Response:
    if job.status in POLL_AFTER_MS:
        response["openai-poll-after-ms"] = str(POLL_AFTER_MS[job.status])
    return response


class V1View(APIView):
    """Adds Retry-After to 429 answers."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, QuotaExceeded):
            response["Retry-After"] = str(exc.retry_after)
        return response


VIDEO_ID = OpenApiParameter("video_id", str, OpenApiParameter.PATH, description="video_…")


class VideosView(V1View):
    def get_permissions(self):
        return [(VideosWrite if self.request.method == "POST" else VideosRead)()]

    @extend_schema(
        operation_id="videos_list",
        summary="List your videos (cursor pagination)",
        parameters=[s.VideoListQuerySerializer],
        responses=s.VideoListSerializer,
    )
    def get(self, request):
        tester, _ = caller(request)
        query = s.VideoListQuerySerializer(data=request.query_params.dict())  # "" is a value
        query.is_valid(raise_exception=True)
        limit, order = query.validated_data["limit"], query.validated_data["order"]
        jobs = job_list_for_tester(tester=tester)
        ordering = ["created_at", "id"] if order == "asc" else ["-created_at", "-id"]
        jobs = jobs.order_by(*ordering)
        after = query.validated_data.get("after")
        if after:
            anchor = job_get_for_tester(tester=tester, public_id=after)
            if anchor is None:
                raise ServiceError(
                    f"No video found with id {after!r}.",
                    field="after",
                    code="video_not_found",
                    status_code=404,
                )
            if order == "asc":
                jobs = jobs.filter(created_at__gte=anchor.created_at).exclude(
                    created_at=anchor.created_at, id__lte=anchor.id
                )
            else:
                jobs = jobs.filter(created_at__lte=anchor.created_at).exclude(
                    created_at=anchor.created_at, id__gte=anchor.id
                )
        page = list(jobs[: limit + 1])
        data = [video_object(job) for job in page[:limit]]
        return Response(
            {
                "object": "list",
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": len(page) > limit,
            }
        )

    @extend_schema(
        operation_id="videos_create",
        summary="Create a video (multipart form or JSON)",
        request={
            "multipart/form-data": s.VideoCreateSerializer,
            "application/json": s.VideoCreateSerializer,
        },
        responses={200: s.VideoSerializer},
    )
    def post(self, request):
        tester, token = caller(request)
        if not isinstance(request.data, dict):
            raise ServiceError("Send a JSON object or a form.", code="invalid_body")
        if request.data.get("input_reference") or "input_reference" in request.FILES:
            raise ServiceError(
                "input_reference is not supported yet; send a text prompt.",
                field="input_reference",
                code="unsupported",
            )
        serializer = s.VideoCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = job_create(tester=tester, token=token, **serializer.validated_data)
        return _polled(Response(video_object(job, with_queue=True)), job)


class VideoDetailView(V1View):
    def get_permissions(self):
        return [(VideosWrite if self.request.method == "DELETE" else VideosRead)()]

    @extend_schema(
        operation_id="videos_retrieve",
        summary="A video's status and progress",
        parameters=[VIDEO_ID],
        responses=s.VideoSerializer,
    )
    def get(self, request, video_id: str):
        job = own_job(request, video_id)
        return _polled(Response(video_object(job, with_queue=True)), job)

    @extend_schema(
        operation_id="videos_delete",
        summary="Cancel if running, delete the video and its files",
        parameters=[VIDEO_ID],
        responses=s.VideoDeletedSerializer,
    )
    def delete(self, request, video_id: str):
        job = own_job(request, video_id)
        job_delete(job=job)
        return Response({"id": job.public_id, "object": "video.deleted", "deleted": True})


class VideoRemixView(V1View):
    permission_classes = [VideosWrite]

    @extend_schema(
        operation_id="videos_remix",
        summary="A new video from a completed one: new prompt, same settings and seed",
        parameters=[VIDEO_ID],
        request={
            "application/json": s.VideoRemixSerializer,
            "multipart/form-data": s.VideoRemixSerializer,
        },
        responses=s.VideoSerializer,
    )
    def post(self, request, video_id: str):
        source = own_job(request, video_id)
        _, token = caller(request)
        serializer = s.VideoRemixSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = job_remix(source=source, prompt=serializer.validated_data["prompt"], token=token)
        return _polled(Response(video_object(job, with_queue=True)), job)


def _ranged_file(request, path: str, content_type: str, filename: str):
    size = os.path.getsize(path)
    header = request.headers.get("Range", "")
    match = RANGE_RE.match(header.strip()) if header else None
    if not match or (not match.group(1) and not match.group(2)):
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
        response["Accept-Ranges"] = "bytes"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        response = Response(
            {
                "error": {
                    "message": "Requested range not satisfiable.",
                    "type": "invalid_request_error",
                    "param": "Range",
                    "code": "range_not_satisfiable",
                }
            },
            status=416,
        )
        response["Content-Range"] = f"bytes */{size}"
        return response

    def chunks():
        with open(path, "rb") as handle:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                data = handle.read(min(CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class VideoContentView(V1View):
    permission_classes = [VideosRead]

    def perform_content_negotiation(self, request, force=False):
        # The SDK asks for application/binary; errors still answer in JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        operation_id="videos_content",
        summary="Download the MP4, the poster (WebP) or the spritesheet (JPEG)",
        parameters=[
            VIDEO_ID,
            OpenApiParameter(
                "variant", str, enum=list(CONTENT_TYPES), description="Default: video"
            ),
        ],
        responses={
            (200, "video/mp4"): OpenApiResponse(OpenApiTypes.BINARY),
            (206, "video/mp4"): OpenApiResponse(OpenApiTypes.BINARY, description="A Range"),
            (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request, video_id: str):
        job = own_job(request, video_id)
        variant = request.query_params.get("variant", "video")
        if variant not in CONTENT_TYPES:
            raise ServiceError("variant must be video, thumbnail or spritesheet.", field="variant")
        if job.status != Status.COMPLETED:
            raise ServiceError(
                "The video is not ready; wait until its status is completed.",
                code="video_not_ready",
                status_code=404,
            )
        file = getattr(job, variant)
        if not file or not os.path.exists(file.path):
            raise Http404
        extension = mimetypes.guess_extension(CONTENT_TYPES[variant]) or ""
        return _ranged_file(
            request, file.path, CONTENT_TYPES[variant], f"{job.public_id}{extension}"
        )


class ModelsView(V1View):
    permission_classes = [VideosRead]

    @extend_schema(
        operation_id="models_list",
        summary="Installed video models and their limits",
        responses=s.ModelListSerializer,
    )
    def get(self, request):
        data = [model_object(spec) for spec in registry.model_specs().values()]
        return Response({"object": "list", "data": data})


class ModelDetailView(V1View):
    permission_classes = [VideosRead]

    @extend_schema(
        operation_id="models_retrieve",
        summary="One model and its limits",
        parameters=[OpenApiParameter("model_id", str, OpenApiParameter.PATH)],
        responses=s.ModelInfoSerializer,
    )
    def get(self, request, model_id: str):
        spec = registry.model_get(model_id)
        if spec is None:
            raise ServiceError(
                f"No model named {model_id!r}.", code="model_not_found", status_code=404
            )
        return Response(model_object(spec))
