import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import client_for, run_manage

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


@pytest.mark.django_db
def test_schema_is_valid_openapi_3(client):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


@pytest.mark.django_db
def test_schema_says_required_text_cannot_be_only_whitespace(client, program_staff):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    channels = schema["components"]["schemas"]["LicenseRequestRequest"]["properties"]["channels"]
    assert channels["items"]["pattern"] == r"\S"

    response = client_for(program_staff).post("/api/licenses/", {"channels": ["\v"]}, format="json")
    assert response.status_code == 400
    assert "channels" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_api_docs_page_renders(client):
    assert client.get("/api/docs/").status_code == 200


def _run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return run_manage(*args, env=env, timeout=120)


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run_manage("check", env_overrides={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 20
            + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
            "DJANGO_ALLOWED_HOSTS": "atelier.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
