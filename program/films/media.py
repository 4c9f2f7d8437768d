"""Video checks, poster frames and assembly, with PyAV. Pure functions over local files."""

import io
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from django.conf import settings

from atelier.errors import ServiceError


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int
    height: int
    duration_ms: int
    size_bytes: int
    poster_jpeg: bytes


def _invalid(message: str, code: str, field: str = "video", status_code: int = 400):
    return ServiceError(message, code=code, field=field, status_code=status_code)


def allowed_codecs() -> list[str]:
    return list(settings.ATELIER_FILM_CODECS)


def spool_upload(upload, *, field: str = "video") -> Path:
    """Copy an uploaded file to a private temporary file, refusing oversize ones early."""
    max_bytes = settings.ATELIER_FILM_MAX_BYTES
    if upload is None:
        raise _invalid("Attach an MP4 file.", "required", field)
    if upload.size is not None and upload.size > max_bytes:
        raise _invalid(
            f"The file is {upload.size} bytes; the limit is {max_bytes}.",
            "file_too_large",
            field,
            413,
        )
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept for the caller, removed on error
        prefix="atelier-film-", suffix=".mp4", delete=False
    )
    path = Path(handle.name)
    written = 0
    try:
        with handle:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > max_bytes:
                    raise _invalid(
                        f"The file is over the {max_bytes}-byte limit.",
                        "file_too_large",
                        field,
                        413,
                    )
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def probe(path: Path, *, field: str = "video") -> VideoInfo:
    """Check that `path` is a real MP4 within limits, and grab a poster frame.

    Raises ServiceError (4xx naming `field`) for anything else; never lets PyAV errors out.
    """
    size = path.stat().st_size
    if size > settings.ATELIER_FILM_MAX_BYTES:
        raise _invalid(
            f"The file is {size} bytes; the limit is {settings.ATELIER_FILM_MAX_BYTES}.",
            "file_too_large",
            field,
            413,
        )
    with path.open("rb") as handle:
        head = handle.read(12)
    # ISO base media files start with a box whose type is 'ftyp'; the name and the
    # browser's content type prove nothing.
    if len(head) < 12 or head[4:8] != b"ftyp":
        raise _invalid("The file is not an MP4 video.", "not_a_video", field, 415)
    try:
        with av.open(str(path), mode="r") as container:
            if "mp4" not in container.format.name:
                raise _invalid("The file is not an MP4 video.", "not_a_video", field, 415)
            streams = container.streams.video
            if not streams:
                raise _invalid("The MP4 has no video track.", "no_video_track", field)
            stream = streams[0]
            codec = stream.codec_context.name
            if codec not in allowed_codecs():
                raise _invalid(
                    f"Codec '{codec}' is not accepted; use one of {', '.join(allowed_codecs())}.",
                    "codec_not_allowed",
                    field,
                    415,
                )
            duration_ms = _duration_ms(container, stream)
            poster = _poster(container, stream)
            width, height = stream.codec_context.width, stream.codec_context.height
    except ServiceError:
        raise
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        raise _invalid(
            "The MP4 is damaged or incomplete and cannot be read.", "malformed_video", field
        ) from exc
    if poster is None or not width or not height:
        raise _invalid(
            "The MP4 is damaged or incomplete and cannot be read.", "malformed_video", field
        )
    limit = settings.ATELIER_FILM_MAX_SECONDS
    if duration_ms <= 0:
        raise _invalid("The video has no length.", "malformed_video", field)
    if duration_ms > limit * 1000:
        raise _invalid(
            f"The film runs {duration_ms / 1000:.1f} s; the limit is {limit} s.",
            "too_long",
            field,
        )
    return VideoInfo(
        codec=codec,
        width=width,
        height=height,
        duration_ms=duration_ms,
        size_bytes=size,
        poster_jpeg=poster,
    )


def _duration_ms(container, stream) -> int:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:
        return int(container.duration / 1000)  # microseconds
    return 0


def _poster(container, stream) -> bytes | None:
    """The first decodable frame at or after one second (or the first frame) as JPEG."""
    wanted = 1.0
    chosen = None
    for frame in container.decode(stream):
        chosen = frame
        if frame.time is None or frame.time >= wanted:
            break
    if chosen is None:
        return None
    buffer = io.BytesIO()
    chosen.to_image().convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def assemble(sources: Iterable[Path], *, field: str = "jobs") -> Path:
    """Concatenate video files into one H.264 MP4 at the first clip's size and rate."""
    sources = list(sources)
    output = Path(tempfile.mkstemp(prefix="atelier-assembly-", suffix=".mp4")[1])
    try:
        with av.open(str(output), mode="w", format="mp4") as out:
            stream = None
            pts = 0
            for index, source in enumerate(sources):
                try:
                    with av.open(str(source), mode="r") as clip:
                        if not clip.streams.video:
                            raise _invalid(
                                f"Clip {index + 1} has no video track.", "no_video_track", field
                            )
                        clip_stream = clip.streams.video[0]
                        for frame in clip.decode(clip_stream):
                            if stream is None:
                                rate = clip_stream.average_rate or Fraction(24, 1)
                                stream = out.add_stream(
                                    "libx264",
                                    rate=rate,
                                    options={"preset": "veryfast", "crf": "20"},
                                )
                                stream.width = frame.width - frame.width % 2
                                stream.height = frame.height - frame.height % 2
                                stream.pix_fmt = "yuv420p"
                            image = frame.reformat(
                                width=stream.width, height=stream.height, format="yuv420p"
                            )
                            image.pts = pts
                            image.time_base = Fraction(1, 1) / stream.codec_context.framerate
                            pts += 1
                            for packet in stream.encode(image):
                                out.mux(packet)
                except av.error.FFmpegError as exc:
                    raise _invalid(
                        f"Clip {index + 1} cannot be read.", "malformed_video", field
                    ) from exc
            if stream is None:
                raise _invalid("The clips hold no frames.", "malformed_video", field)
            for packet in stream.encode():
                out.mux(packet)
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    return output


def copy_to_temp(file_field) -> Path:
    """Copy a stored file (any storage) to a local temporary path."""
    with (
        tempfile.NamedTemporaryFile(prefix="atelier-clip-", suffix=".mp4", delete=False) as handle,
        file_field.open("rb") as source,
    ):
        shutil.copyfileobj(source, handle)
    return Path(handle.name)


def tiny_mp4(
    *, codec: str = "libx264", frames: int = 6, size=(32, 32), fps: int = 6, shade: int = 0
) -> bytes:
    """A small real MP4 of gradient frames, for demo data and tests."""
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream(codec, rate=Fraction(fps, 1))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        ramp = np.linspace(0, 255, size[0], dtype=np.uint16)
        for index in range(frames):
            pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
            pixels[..., 0] = (ramp + shade + index * 20) % 256
            pixels[..., 1] = (shade * 3 + index * 10) % 256
            pixels[..., 2] = (255 - ramp + index * 5) % 256
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
