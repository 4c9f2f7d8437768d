"""Schema fuzzing: schemathesis against /api/schema/ (the /api/ and /v1/ APIs) on a live server.

Three identities (a WFC auth document): two artists with full-scope tokens (`alice`, `bob`, peers
for the object-level authorization check) and a program-staff session. Every check runs.
Bounded and reproducible: `ATELIER_FUZZ_MAX_EXAMPLES` examples per operation and phase (CI
default 8: about 1,500 cases; 20 by hand: about 1,800, more once /v1/ lands), a fixed seed, deterministic
generation, no example database.

    ATELIER_FUZZ_MAX_EXAMPLES=20 .venv/bin/pytest tests/test_schema_fuzz.py -s   # the long run
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string

from program.access.services import program_security_update
from program.roles import Role
from program.services.agreements import agreement_accept, agreement_publish
from program.services.invitations import invitation_create
from program.services.notifications import notify
from tests.conftest import make_artist, make_staff, token_for
from tests.factories import ProgramFactory

SEED = 20261125
MAX_EXAMPLES = int(os.environ.get("ATELIER_FUZZ_MAX_EXAMPLES", "8"))
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
]

# Operations whose schema-valid input is still meaningless to the server: the schema can say
# "a string" or "a file", not "a token we signed" or "a UTF-8 CSV". For them the
# positive_data_acceptance check also accepts a 400 or 415 (with the envelope, checked elsewhere);
# every other check runs unchanged.
OPAQUE_INPUTS = {
    "/api/invitations/accept/": "the token must be one Atelier signed",
    "/api/invitations/decline/": "the token must be one Atelier signed",
    "/api/invitations/import/": "the file must be a UTF-8 CSV with the documented columns",
    "/api/payments/sessions/": "a session must not end before it starts (a rule across fields)",
    "/api/curation/rounds/": "the notification date must lie in the future",
    "/api/curation/rounds/{id}/": "the notification date must lie in the future",
    "/api/screenings/": "a screening needs a place or a link: one of two optional fields",
    "/api/films/": "the upload must be a real MP4 video (415 when it is not)",
    "/api/films/assemble/": "the jobs must be the artist's own completed generations",
    "/api/feedback/": "severity is required for bugs and safety and refused otherwise (a rule "
    "across fields; oneOf breaks multipart file generation); files must be readable media",
    "/api/feedback/{id}/attachments/": "the file must be a readable image or short video",
}

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _session_cookie_for(user) -> tuple[str, str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key, _get_new_csrf_string()


def build_identities(tmp_path: Path) -> Path:
    program = ProgramFactory()
    staff = make_staff(Role.PROGRAM_STAFF, "staff@fuzz.test")
    agreement = agreement_publish(
        program=program, title="Terms", body="Be kind.", published_by=staff
    )
    # The fuzz is not a load test: lift the rate limits so every operation reaches its logic.
    program_security_update(
        program=program,
        actor=staff,
        requests_per_minute_per_token=1_000_000,
        requests_per_minute_per_tester=1_000_000,
    )
    alice, bob = make_artist(program), make_artist(program)
    for artist in (alice, bob):
        agreement_accept(tester=artist, agreement=agreement, ip_address="127.0.0.1")
        notify(user=artist.user, kind="program.welcome", title="Welcome", email=False)
    invitation_create(program=program, email="invitee@fuzz.test", name="Invitee", country="KE")
    session_key, csrf = _session_cookie_for(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"

    def bearer(name, tester):
        secret = token_for(tester)
        return {
            "name": name,
            "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {secret}"}],
        }

    document = {
        "auth": [
            bearer("alice", alice),
            bearer("bob", bob),
            {
                "name": "staff",
                "fixedHeaders": [
                    {"name": "Cookie", "value": cookie},
                    {"name": "X-CSRFToken", "value": csrf},
                ],
            },
        ]
    }
    path = tmp_path / "identities.json"
    path.write_text(json.dumps(document))
    return path


def write_config(tmp_path: Path, identities: Path) -> Path:
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
[auth.wfc]
path = "{identities}"
peers = ["alice", "bob"]

[generation]
database = "none"
deterministic = true
allow-x00 = false
codec = "utf-8"
"""
        + "".join(
            f"""
[[operations]]
include-path = "{path}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "415", "429"]
"""
            for path in OPAQUE_INPUTS
        )
    )
    return config


def test_api_survives_schema_fuzzing(live_server, tmp_path, capsys):
    assert get_user_model().objects.count() == 0
    identities = build_identities(tmp_path)
    config = write_config(tmp_path, identities)
    report = tmp_path / "report.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--request-timeout",
        "30",
    ]
    # While working on one area: ATELIER_FUZZ_INCLUDE='^/api/films' fuzzes only those paths.
    if os.environ.get("ATELIER_FUZZ_INCLUDE"):
        command += ["--include-path-regex", os.environ["ATELIER_FUZZ_INCLUDE"]]
    # Run from tmp_path: schemathesis keeps a cache folder in its working directory.
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    output = result.stdout + result.stderr
    cases = re.search(r"Test cases:\s*(\d+) generated", output)
    with capsys.disabled():
        print(
            f"\nschemathesis: {cases.group(1) if cases else '?'} test cases, seed {SEED}, "
            f"{MAX_EXAMPLES} examples per operation and phase"
        )
    assert result.returncode == 0, output[-12000:]
