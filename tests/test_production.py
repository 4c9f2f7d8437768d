"""Production readiness: CSP, password hashing, login throttling, structured logs, request ids."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/terms/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2():
    user = UserFactory(password="a-long-and-careful-passphrase")
    stored = get_user_model().objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert user.check_password("a-long-and-careful-passphrase")


@pytest.mark.django_db
def test_sign_in_locks_out_after_the_failure_limit_with_a_clear_page(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="painter@example.test", password="the-right-passphrase-42")
    wrong = {"username": "painter@example.test", "password": "not-it"}

    first_two = [client.post("/login/", wrong).status_code for _ in range(2)]
    third = client.post("/login/", wrong)
    right_while_locked = client.post(
        "/login/", {"username": "painter@example.test", "password": "the-right-passphrase-42"}
    )

    assert first_two == [200, 200]
    assert third.status_code == 429
    assert right_while_locked.status_code == 429
    page = right_while_locked.content.decode()
    assert "Too many sign-in attempts" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_honours_a_sane_incoming_one(client):
    generated = client.get("/terms/")["X-Request-ID"]
    honoured = client.get("/terms/", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"]
    refused = client.get("/terms/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert len(generated) == 32
    assert honoured == "lb-1234abcd"
    assert refused != "<script>" and len(refused) == 32


def test_a_request_is_logged_as_one_json_line_with_its_request_id(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from django.test.utils import setup_test_environment; setup_test_environment()\n"
        "from django.test import Client\n"
        "Client().get('/api/me/', HTTP_X_REQUEST_ID='trace-0001abcd')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATELIER_LOG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="atelier.settings",
        DJANGO_DEBUG="1",
        ATELIER_LOG_FORMAT="json",
        ATELIER_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    access = [r for r in records if r.get("logger") == "atelier.access"]
    assert len(access) == 1, result.stderr
    assert access[0] | {"time": None} == access[0] | {
        "time": None,
        "level": "INFO",
        "method": "GET",
        "path": "/api/me/",
        "status": 401,
        "request_id": "trace-0001abcd",
    }


@pytest.mark.django_db
def test_a_json_body_that_is_not_an_object_is_a_400_with_the_envelope(program, artist):
    from tests.conftest import bearer, token_for

    response = bearer(token_for(artist)).post(
        "/api/notifications/read/", data="[null, null]", content_type="application/json"
    )
    assert response.status_code == 400
    assert "must be an object" in response.json()["error"]["message"]


@pytest.mark.parametrize("debug", ["0", "1"])
def test_a_fresh_process_loads_every_setting_and_passes_check(debug):
    """DRF resolves the classes named in REST_FRAMEWORK lazily; an import cycle shows only here."""
    from tests.test_platform import _run_manage

    result = _run_manage(
        "check",
        env_overrides={"DJANGO_DEBUG": debug, "DJANGO_SECRET_KEY": "k" * 60},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_a_multipart_body_with_no_parts_is_a_400_not_an_empty_form(program, artist):
    from tests.conftest import bearer, token_for

    boundary = "c50f8ec4b7585b717b6f84aa9b622707"
    body = f"--{boundary}\r\n[{{'': [None]}}, []]--{boundary}--\r\n"
    response = bearer(token_for(artist)).post(
        "/api/notifications/read/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "no form fields" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_an_empty_multipart_form_is_still_accepted(program, artist):
    from tests.conftest import bearer, token_for

    boundary = "c50f8ec4b7585b717b6f84aa9b622707"
    response = bearer(token_for(artist)).post(
        "/api/notifications/read/",
        data=f"--{boundary}--\r\n",
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200
    assert response.json() == {"marked_read": 0}


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['[{"": [null]}, []]', '"some text"', "3"])
def test_json_sent_as_a_form_is_a_400_not_an_empty_form(program, artist, body):
    from tests.conftest import bearer, token_for

    response = bearer(token_for(artist)).post(
        "/api/notifications/read/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "name=value pairs" in response.json()["error"]["message"]
