"""Seed a benchmark database: one program, N active artists with full-scope tokens, a staff session.

    python bench/seed.py --artists 64 --out seed.json

Writes {"program_id", "artists": [{"email", "tester_id", "token"}], "staff": {"email", "cookie",
"csrf"}} so load scripts can act as each identity without signing in.
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atelier.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.utils import timezone  # noqa: E402

from program.access.models import Scope  # noqa: E402
from program.access.services import token_issue  # noqa: E402
from program.models import Program, Tester  # noqa: E402
from program.roles import Role  # noqa: E402
from program.services.agreements import agreement_accept, agreement_publish  # noqa: E402
from program.services.testers import tester_create, user_get_or_create, user_grant_role  # noqa: E402


def staff_session(user) -> dict:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = _get_new_csrf_string()
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    )
    return {"email": user.email, "cookie": cookie, "csrf": csrf}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artists", type=int, default=8)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    today = timezone.localdate()
    program = Program.objects.create(
        name="Bench Program",
        slug="bench",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
    )
    staff = user_get_or_create(email="staff@bench.test", name="Staff")
    for role in (Role.PROGRAM_STAFF, Role.CURATOR):
        user_grant_role(user=staff, role=role)
    agreement = agreement_publish(
        program=program, title="Terms", body="Bench terms.", published_by=staff
    )
    artists = []
    for index in range(args.artists):
        tester = tester_create(
            program=program,
            email=f"artist{index}@bench.test",
            display_name=f"Artist {index}",
            country="FR",
        )
        Tester.objects.filter(pk=tester.pk).update(
            status=Tester.Status.ACTIVE, joined_at=timezone.now()
        )
        tester.refresh_from_db()
        agreement_accept(tester=tester, agreement=agreement, ip_address="127.0.0.1")
        secret = token_issue(tester=tester, name="bench", scopes=Scope.values).secret
        artists.append({"email": tester.user.email, "tester_id": tester.pk, "token": secret})
    Path(args.out).write_text(
        json.dumps({"program_id": program.pk, "artists": artists, "staff": staff_session(staff)})
    )


if __name__ == "__main__":
    main()
