import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from program.feedback.services import feedback_create

# A Monday at 09:00 UTC: business-day arithmetic is easy to read from here.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Files land in a throwaway folder; a fast hasher keeps the many role fixtures cheap.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def file_feedback(tester, **kwargs):
    values = {"kind": "bug", "title": "Hands melt", "body": "Fingers fuse.", "severity": "P2"}
    values.update(kwargs)
    return feedback_create(tester=tester, **values)


@pytest.fixture
def feedback(artist):
    return file_feedback(artist, now=timezone.now())


def web_for(user):
    """A browser-like client signed in as `user` (DRF's force_authenticate does not reach views)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
