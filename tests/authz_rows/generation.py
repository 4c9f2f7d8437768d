"""Authorization matrix rows for the generation area; merged into tests/test_authorization_matrix.py.

Same format and symbols as MATRIX there. KWARGS builders receive the World and may create
objects with `w.obj(key, factory)` (factory takes the world).

Who may do what (issue 4): artists see and act on only their own videos (another artist's
video is a 404, never a 403 that confirms it exists); program staff and admins see every job
in the staff views; curators and finance have no business with generation jobs. Staff hold no
videos of their own, so /v1/videos answers their sessions 403 (`not_a_tester`), and the portal
pages answer the admin 404 (admin holds every role but is no program member), as the core
portal rows do. The model catalogue is the same for everyone signed in; the model id in the
URL is one no install has, so a permitted caller gets 404 and a refused one 401/403 — the
matrix does not depend on which models this machine has built.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from generation.models import GenerationJob

# fmt: off
MATRIX = """
# name                     method scope        | anon   owner  other  curator staff  finance admin | quar expired noscope
v1-videos                  GET    videos:read  | 401    ok     ok     403     403    403     403   | 403  401     403
v1-videos                  POST   videos:write | 401    400    400    403     403    403     403   | 403  401     403
v1-video                   GET    videos:read  | 401    ok     404    403     403    403     403   | 403  401     403
v1-video                   DELETE videos:write | 401    ok     404    403     403    403     403   | 403  401     403
v1-video-remix             POST   videos:write | 401    400    404    403     403    403     403   | 403  401     403
v1-video-content           GET    videos:read  | 401    ok     404    403     403    403     403   | 403  401     403
v1-models                  GET    videos:read  | 401    ok     ok     ok      ok     ok      ok    | 403  401     403
v1-model                   GET    videos:read  | 401    404    404    404     404    404     404   | 403  401     403
generation-videos          GET    -            | login  ok     ok     403     403    403     404   | -    -       -
generation-new             GET    -            | login  ok     ok     403     403    403     404   | -    -       -
generation-new             POST   -            | login  ok     ok     403     403    403     404   | -    -       -
generation-video           GET    -            | login  ok     404    403     403    403     404   | -    -       -
generation-video-status    GET    -            | login  ok     404    403     403    403     404   | -    -       -
generation-video-cancel    POST   -            | login  302    404    403     403    403     404   | -    -       -
generation-video-delete    POST   -            | login  302    404    403     403    403     404   | -    -       -
generation-video-remix     POST   -            | login  302    404    403     403    403     404   | -    -       -
staff-generation           GET    -            | login  403    403    403     ok     403     ok    | -    -       -
staff-generation-job       GET    -            | login  403    403    403     ok     403     ok    | -    -       -
staff-generation-job-content GET  -            | login  403    403    403     ok     403     ok    | -    -       -
"""
# fmt: on

CONTENT_NAME = "authz-matrix/owner-video.mp4"


def _owner_job(w) -> GenerationJob:
    """The owner's finished video (no files: the pages and /v1/ reads need none)."""
    from tests.generation.factories import JobFactory

    now = timezone.now()
    return JobFactory(
        tester=w.owner,
        status=GenerationJob.Status.COMPLETED,
        progress=100,
        started_at=now,
        finished_at=now,
    )


def _owner_job_with_video(w) -> GenerationJob:
    """The owner's finished video with an MP4 on disk, so the download can answer 200."""
    job = w.obj("job", _owner_job)
    if not default_storage.exists(CONTENT_NAME):
        default_storage.save(CONTENT_NAME, ContentFile(b"\x00\x00\x00\x18ftypmp42"))
    GenerationJob.objects.filter(pk=job.pk).update(video=CONTENT_NAME)
    return job


def _video_id(w) -> dict:
    return {"video_id": w.obj("job", _owner_job).public_id}


def _public_id(w) -> dict:
    return {"public_id": w.obj("job", _owner_job).public_id}


KWARGS: dict = {
    "v1-video": _video_id,
    "v1-video-remix": _video_id,
    "v1-video-content": lambda w: {"video_id": w.obj("job+video", _owner_job_with_video).public_id},
    "v1-model": lambda w: {"model_id": "no-such-model"},
    "generation-video": _public_id,
    "generation-video-status": _public_id,
    "generation-video-cancel": _public_id,
    "generation-video-delete": _public_id,
    "generation-video-remix": _public_id,
    "staff-generation-job": _public_id,
    "staff-generation-job-content": lambda w: {
        "public_id": w.obj("job+video", _owner_job_with_video).public_id
    },
}
BODIES: dict = {}
NO_ENVELOPE: set = set()
