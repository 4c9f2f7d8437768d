"""Authorization matrix rows for the feedback area; merged into tests/test_authorization_matrix.py.

Same format and symbols as MATRIX there. KWARGS builders receive the World and may create
objects with `w.obj(key, factory)` (factory takes the world).

Artists file and follow only their own feedback (another artist gets 404, never the item);
program staff (and admins) triage; curators and finance have no part in feedback. The
severity scale is public.
"""

from program.feedback.services import feedback_attachment_add, feedback_create
from tests.feedback.factories import png_upload

# fmt: off
MATRIX = """
# name                          method scope          | anon   owner  other  curator staff  finance admin | quar expired noscope
feedback-severity               GET    -              | ok     ok     ok     ok      ok     ok      ok    | -    -       -
feedback-list                   GET    -              | login  ok     ok     403     403    403     404   | -    -       -
feedback-new                    GET    -              | login  ok     ok     403     403    403     404   | -    -       -
feedback-new                    POST   -              | login  400    400    403     403    403     404   | -    -       -
feedback-detail                 GET    -              | login  ok     404    403     403    403     404   | -    -       -
feedback-detail                 POST   -              | login  400    404    403     403    403     404   | -    -       -
feedback-queue                  GET    -              | login  403    403    403     ok     403     ok    | -    -       -
feedback-bulk                   POST   -              | login  403    403    403     302    403     302   | -    -       -
feedback-staff-detail           GET    -              | login  403    403    403     ok     403     ok    | -    -       -
feedback-staff-detail           POST   -              | login  403    403    403     400    403     400   | -    -       -
api-feedback-severity           GET    -              | ok     ok     ok     ok      ok     ok      ok    | 403  401     ok
api-feedback                    GET    feedback:write | 401    ok     ok     403     403    403     403   | 403  401     403
api-feedback                    POST   feedback:write | 401    400    400    403     403    403     403   | 403  401     403
api-feedback-detail             GET    feedback:write | 401    ok     404    403     403    403     403   | 403  401     403
api-feedback-comments           GET    feedback:write | 401    ok     404    403     403    403     403   | 403  401     403
api-feedback-comments           POST   feedback:write | 401    400    404    403     403    403     403   | 403  401     403
api-feedback-attachments        GET    feedback:write | 401    ok     404    403     403    403     403   | 403  401     403
api-feedback-attachments        POST   feedback:write | 401    400    404    403     403    403     403   | 403  401     403
api-feedback-attachment-file    GET    feedback:write | 401    ok     404    403     ok     403     ok    | 403  401     403
api-staff-feedback              GET    -              | 401    403    403    403     ok     403     ok    | 403  401     403
api-staff-feedback-bulk         POST   -              | 401    403    403    403     400    403     400   | 403  401     403
api-staff-feedback-detail       GET    -              | 401    403    403    403     ok     403     ok    | 403  401     403
api-staff-feedback-transition   POST   -              | 401    403    403    403     400    403     400   | 403  401     403
api-staff-feedback-comment      POST   -              | 401    403    403    403     400    403     400   | 403  401     403
api-staff-feedback-note         POST   -              | 401    403    403    403     400    403     400   | 403  401     403
api-staff-feedback-ship         POST   -              | 401    403    403    403     400    403     400   | 403  401     403
"""
# fmt: on


def _owner_feedback(w):
    return feedback_create(
        tester=w.owner, kind="quality", title="Hands melt", body="Fingers merge at 2s."
    )


def _owner_attachment(w):
    feedback = w.obj("feedback", _owner_feedback)
    return feedback_attachment_add(feedback=feedback, user=w.owner.user, upload=png_upload())


def _feedback(w) -> dict:
    return {"pk": w.obj("feedback", _owner_feedback).pk}


KWARGS: dict = {
    name: _feedback
    for name in (
        "feedback-detail",
        "feedback-staff-detail",
        "api-feedback-detail",
        "api-feedback-comments",
        "api-feedback-attachments",
        "api-staff-feedback-detail",
        "api-staff-feedback-transition",
        "api-staff-feedback-comment",
        "api-staff-feedback-note",
        "api-staff-feedback-ship",
    )
}
KWARGS["api-feedback-attachment-file"] = lambda w: {"pk": w.obj("attachment", _owner_attachment).pk}
BODIES: dict = {
    ("api-feedback-attachments", "POST"): lambda w: ({}, "multipart"),
}
NO_ENVELOPE: set = set()
