"""Reading the provenance tag that every output MP4 carries (see runner.write_outputs)."""

import json
from pathlib import Path

from generation.models import GenerationJob


def provenance_read(path: Path) -> dict | None:
    """The tag in the file's `comment` metadata, or None if there is none."""
    import av

    try:
        with av.open(str(path)) as container:
            comment = container.metadata.get("comment", "")
    except (av.error.FFmpegError, OSError):
        return None
    try:
        data = json.loads(comment)
    except ValueError:
        return None
    return data if isinstance(data, dict) and "atelier_job" in data else None


def job_for_file(path: Path) -> tuple[dict | None, GenerationJob | None]:
    tag = provenance_read(path)
    if tag is None:
        return None, None
    job = (
        GenerationJob.objects.select_related("tester__user")
        .filter(public_id=tag["atelier_job"])
        .first()
    )
    return tag, job
