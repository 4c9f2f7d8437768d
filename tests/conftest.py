import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from program.access.services import token_issue
from program.roles import Role
from program.services.testers import user_grant_role
from tests.factories import ProgramFactory, TesterFactory, UserFactory

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run manage.py in a child process with exactly `env` (settings read at start-up)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# The real Celery worker and tiny models, shared by the generation and browser tests.
pytest_plugins = ["tests.worker"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Per-process caches (the queue estimate's average) never carry over between tests."""
    from django.core.cache import cache

    yield
    cache.clear()


@pytest.fixture
def program(db):
    return ProgramFactory()


def make_staff(role: str, email: str | None = None):
    user = UserFactory(email=email or f"{role}@staff.test")
    user_grant_role(user=user, role=role)
    return user


@pytest.fixture
def program_staff(db):
    return make_staff(Role.PROGRAM_STAFF)


@pytest.fixture
def curator(db):
    return make_staff(Role.CURATOR)


@pytest.fixture
def finance_user(db):
    return make_staff(Role.FINANCE)


@pytest.fixture
def admin_user(db):
    return make_staff(Role.ADMIN)


def make_artist(program, **kwargs):
    tester = TesterFactory(program=program, **kwargs)
    user_grant_role(user=tester.user, role=Role.ARTIST)
    return tester


@pytest.fixture
def artist(program):
    return make_artist(program)


@pytest.fixture
def other_artist(program):
    return make_artist(program)


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def token_for(tester, scopes=("videos:read", "videos:write", "feedback:write"), **kwargs) -> str:
    return token_issue(tester=tester, name="test", scopes=scopes, **kwargs).secret


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
