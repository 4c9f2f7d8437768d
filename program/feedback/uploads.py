"""Attachment checks by content: Pillow decodes images, PyAV opens videos. Names are not trusted."""

import os
import tempfile
from dataclasses import dataclass

import av
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from atelier.errors import ServiceError

IMAGE_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
VIDEO_CODECS = {"h264", "hevc", "av1", "vp8", "vp9", "mpeg4"}
MAX_IMAGE_PIXELS = 64_000_000


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    extension: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


def _read_head(upload, count: int) -> bytes:
    upload.seek(0)
    head = upload.read(count)
    upload.seek(0)
    return head


def _check_size(upload, limit: int, what: str, field: str) -> None:
    if upload.size > limit:
        raise ServiceError(
            f"{what} may be at most {limit / 2**20:g} MiB.",
            code="file_too_large",
            field=field,
            status_code=413,
        )


def _check_image(upload, field: str) -> CheckedUpload:
    _check_size(upload, settings.ATELIER_FEEDBACK_IMAGE_MAX_BYTES, "Images", field)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ServiceError(
                    "The image has too many pixels.", code="invalid_file", field=field
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ServiceError(
            "The image could not be read; use PNG, JPEG or WebP.", code="invalid_file", field=field
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ServiceError(
            "Images must be PNG, JPEG or WebP.", code="unsupported_type", field=field
        )
    content_type, extension = IMAGE_FORMATS[image_format]
    return CheckedUpload("image", content_type, extension, upload.size, width, height)


def _probe_video(path: str, field: str) -> tuple[str, str, int, int, float]:
    try:
        with av.open(path, mode="r") as container:
            format_names = set(container.format.name.split(","))
            streams = container.streams.video
            if not streams:
                raise ServiceError(
                    "The video has no video track.", code="invalid_file", field=field
                )
            stream = streams[0]
            codec = stream.codec_context.name
            width, height = stream.codec_context.width, stream.codec_context.height
            if container.duration:
                duration = container.duration / av.time_base
            elif stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            else:
                duration = 0.0
            # Decode one frame: a header alone does not prove the file plays.
            next(container.decode(stream), None)
    except av.FFmpegError as exc:
        raise ServiceError(
            "The video could not be read; use MP4 or WebM.", code="invalid_file", field=field
        ) from exc
    if "mp4" in format_names:
        kind = ("video/mp4", "mp4")
    elif "webm" in format_names or "matroska" in format_names:
        kind = ("video/webm", "webm")
    else:
        raise ServiceError("Videos must be MP4 or WebM.", code="unsupported_type", field=field)
    if codec not in VIDEO_CODECS:
        raise ServiceError(
            f"Video codec '{codec}' is not supported.", code="unsupported_type", field=field
        )
    return kind[0], kind[1], width, height, duration


def _check_video(upload, field: str) -> CheckedUpload:
    _check_size(upload, settings.ATELIER_FEEDBACK_VIDEO_MAX_BYTES, "Videos", field)
    path = getattr(upload, "temporary_file_path", None)
    cleanup = None
    if path is None:
        handle, cleanup = tempfile.mkstemp(suffix=".upload")
        with os.fdopen(handle, "wb") as out:
            upload.seek(0)
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        path = cleanup
    else:
        path = path()
    try:
        content_type, extension, width, height, duration = _probe_video(path, field)
    finally:
        if cleanup:
            os.unlink(cleanup)
    limit = settings.ATELIER_FEEDBACK_VIDEO_MAX_SECONDS
    if duration > limit:
        raise ServiceError(
            f"Videos may be at most {limit} seconds long.", code="video_too_long", field=field
        )
    return CheckedUpload("video", content_type, extension, upload.size, width, height, duration)


def upload_check(upload, *, field: str = "file") -> CheckedUpload:
    """Identify an upload by its bytes and enforce the size and length limits."""
    if upload is None or not upload.size:
        raise ServiceError("The file is empty.", code="invalid_file", field=field)
    head = _read_head(upload, 16)
    is_video = head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"
    return _check_video(upload, field) if is_video else _check_image(upload, field)
