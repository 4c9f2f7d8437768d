"""Authorization matrix: every route of the project, every method it takes, every role.

How to read MATRIX
------------------
One row per route name and HTTP method. `scope` is the token scope the route needs ("-": none).
Columns are who asks:

    anon     nobody signed in
    owner    the artist who owns the objects in the URL (a session on web pages,
             a valid token with every scope on /api/ and /v1/)
    other    another artist of the same program (same way as owner)
    curator, staff (program staff), finance, admin   staff sessions, two-factor verified
    quar     the owner's quarantined token          } /api/ and /v1/ only;
    expired  the owner's expired token              } "-" on web pages
    noscope  the owner's token without the row's `scope` (see below)

Symbols: a status code (200, 201, 302, 400, 401, 403, 404, 405, 409 ...), `ok` (any 2xx),
`login` (302 to /login/), `deny` (403 or 404). 400 means "passed authorization, body refused":
POST rows send an empty or minimal body (BODIES) unless a valid one is needed to show access.
Every 4xx under /api/ and /v1/ must also carry the JSON error envelope.

The `noscope` token holds every scope except the row's; for rows with scope "-" it holds only
`videos:read`, the least a token can hold.

Adding a route (the coverage test fails and prints the rows to add)
-------------------------------------------------------------------
1. Add one row per method to MATRIX (any order; align columns for readability).
2. If its URL takes arguments, add a builder to KWARGS: route name -> function(world) -> kwargs.
   New objects for the URL: build them in the builder with `world.obj(key, factory)` so one
   object is shared by all rows of a test (see "api-tester" and the generation example).
3. If a POST needs a real body to show who may act, add it to BODIES.
Objects are built once per row and every role's request runs in a rolled-back savepoint, so
a write made by one role never changes what the next role sees.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from program.access.models import AccessToken, Scope
from program.access.services import token_issue
from program.models import Tester
from program.roles import Role
from program.services.agreements import agreement_accept, agreement_publish
from program.services.invitations import invitation_create, invitation_link_token
from program.services.notifications import notify
from tests.authz import SYMBOLS, describe, discover_routes, has_error_envelope, symbol_matches
from tests.conftest import make_artist, make_staff
from tests.factories import ProgramFactory

SESSION_ROLES = ("anon", "owner", "other", "curator", "staff", "finance", "admin")
TOKEN_ROLES = ("quar", "expired", "noscope")

# fmt: off
MATRIX = """
# name                     method scope | anon   owner  other  curator staff  finance admin | quar expired noscope
login                      GET    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
login                      POST   -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
login                      PUT    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
logout                     POST   -     | 302    302    302    302     302    302     302   | -    -       -
two-factor-setup           GET    -     | login  ok     ok     ok      ok     ok      ok    | -    -       -
two-factor-setup           POST   -     | login  ok     ok     ok      ok     ok      ok    | -    -       -
two-factor-verify          GET    -     | login  ok     ok     ok      ok     ok      ok    | -    -       -
two-factor-verify          POST   -     | login  ok     ok     ok      ok     ok      ok    | -    -       -
healthz                    GET    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
home                       GET    -     | ok     302    302    302     302    302     302   | -    -       -
terms                      GET    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
invitation                 GET    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
invitation                 POST   -     | 400    400    400    400     400    400     400   | -    -       -
portal-dashboard           GET    -     | login  ok     ok     403     403    403     404   | -    -       -
portal-agreement           GET    -     | login  ok     ok     403     403    403     404   | -    -       -
portal-agreement           POST   -     | login  ok     ok     403     403    403     404   | -    -       -
acceptance-download        GET    -     | login  ok     404    403     ok     403     ok    | -    -       -
notifications              GET    -     | login  ok     ok     ok      ok     ok      ok    | -    -       -
notifications              POST   -     | login  302    302    302     302    302     302   | -    -       -
staff-overview             GET    -     | login  403    403    ok      ok     ok      ok    | -    -       -
staff-testers              GET    -     | login  403    403    403     ok     403     ok    | -    -       -
staff-tester               GET    -     | login  403    403    403     ok     403     ok    | -    -       -
staff-tester               POST   -     | login  403    403    403     ok     403     ok    | -    -       -
staff-invitations          GET    -     | login  403    403    403     ok     403     ok    | -    -       -
staff-invitations          POST   -     | login  403    403    403     ok     403     ok    | -    -       -
staff-invitation-resend    POST   -     | login  403    403    403     302    403     302   | -    -       -
staff-agreements           GET    -     | login  403    403    403     ok     403     ok    | -    -       -
staff-agreements           POST   -     | login  403    403    403     ok     403     ok    | -    -       -
api-me                     GET    -     | 401    ok     ok     ok      ok     ok      ok    | 403  401     ok
api-notifications          GET    -     | 401    ok     ok     ok      ok     ok      ok    | 403  401     ok
api-notifications-read     POST   -     | 401    ok     ok     ok      ok     ok      ok    | 403  401     ok
api-testers                GET    -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-tester                 GET    -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-tester-status          POST   -     | 401    403    403    403     400    403     400   | 403  401     403
api-invitations            GET    -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-invitations            POST   -     | 401    403    403    403     400    403     400   | 403  401     403
api-invitations-import     POST   -     | 401    403    403    403     400    403     400   | 403  401     403
api-invitation-accept      POST   -     | 400    400    400    400     400    400     400   | 400  400     400
api-invitation-decline     POST   -     | 400    400    400    400     400    400     400   | 400  400     400
api-invitation-resend      POST   -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-agreements             GET    -     | 401    ok     ok     ok      ok     ok      ok    | 403  401     ok
api-agreements             POST   -     | 401    403    403    403     400    403     400   | 403  401     403
api-agreement-current      GET    -     | 401    ok     ok     ok      ok     ok      ok    | 403  401     ok
api-agreement-accept       POST   -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-acceptances            GET    -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-acceptance-download    GET    -     | 401    ok     404    403     403    403     404   | 403  401     ok
schema                     GET    -     | ok     ok     ok     ok      ok     ok      ok    | 403  401     ok
api-docs                   GET    -     | ok     ok     ok     ok      ok     ok      ok    | 403  401     ok
"""
# fmt: on


@dataclass
class World:
    """Everything the URLs and the roles need; `obj` memoises extra objects for builders."""

    program: object
    owner: Tester
    other: Tester
    staff: dict
    agreement: object
    acceptance: object
    invitation: object
    _objects: dict = field(default_factory=dict)

    def obj(self, key: str, factory):
        if key not in self._objects:
            self._objects[key] = factory(self)
        return self._objects[key]


# Route name -> function(world) -> URL kwargs. Routes without arguments need no entry.
KWARGS = {
    "invitation": lambda w: {"token": invitation_link_token(w.invitation)},
    "acceptance-download": lambda w: {"pk": w.acceptance.pk},
    "staff-tester": lambda w: {"pk": w.owner.pk},
    "staff-invitation-resend": lambda w: {"pk": w.invitation.pk},
    "api-tester": lambda w: {"pk": w.owner.pk},
    "api-tester-status": lambda w: {"pk": w.owner.pk},
    "api-invitation-resend": lambda w: {"pk": w.invitation.pk},
    "api-agreement-accept": lambda w: {"pk": w.agreement.pk},
    "api-acceptance-download": lambda w: {"pk": w.acceptance.pk},
    # Example for a new object (generation branch):
    # "v1-video": lambda w: {"video_id": w.obj("job", make_owner_job).public_id},
}

# (route name, method) -> function(world) -> (data, content_type). Default: an empty JSON
# object for API routes, an empty form for web pages.
MULTIPART = "multipart"
# HTML pages that live under /api/ (Swagger UI): their refusals are pages, not JSON.
NO_ENVELOPE = {"api-docs"}
BODIES = {
    ("api-invitations-import", "POST"): lambda w: ({}, MULTIPART),
}


# Each area keeps its rows in tests/authz_rows/<area>.py (same format), merged here.
AREAS = ("access", "generation", "feedback", "films", "payments")
for _area in AREAS:
    _module = __import__(f"tests.authz_rows.{_area}", fromlist=["MATRIX"])
    MATRIX += _module.MATRIX
    KWARGS.update(_module.KWARGS)
    BODIES.update(_module.BODIES)
    NO_ENVELOPE |= _module.NO_ENVELOPE


def parse_matrix(text: str) -> dict[tuple[str, str], dict]:
    rows = {}
    for number, line in enumerate(text.strip().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.replace("|", " ").split()
        expected_cells = 3 + len(SESSION_ROLES) + len(TOKEN_ROLES)
        if len(cells) != expected_cells:
            raise ValueError(f"MATRIX line {number} has {len(cells)} cells, not {expected_cells}")
        name, method, scope, *symbols = cells
        key = (name, method.upper())
        if key in rows:
            raise ValueError(f"MATRIX has two rows for {name} {method}")
        rows[key] = {
            "scope": None if scope == "-" else scope,
            "expect": dict(zip(SESSION_ROLES + TOKEN_ROLES, symbols, strict=True)),
        }
    return rows


ROWS = parse_matrix(MATRIX)
ROUTES = {route.name: route for route in discover_routes()}


def _url_args(route) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route.route)


def _template_row(route, method: str) -> str:
    tokens = "?    ?       ?" if route.is_api else "-    -       -"
    return f"    {route.name:<26} {method:<6} -     | ?      ?      ?      ?       ?      ?       ?     | {tokens}"


def coverage_report(routes) -> str | None:
    """None when every route and method has a row; otherwise what to add, ready to paste."""
    missing = [
        (route, method)
        for route in routes
        for method in route.methods
        if (route.name, method) not in ROWS
    ]
    if not missing:
        return None
    lines = [f"  {route.name:<28} {method:<6} /{route.route}" for route, method in missing]
    undeclared = sorted({r.name for r, _ in missing if not r.methods_declared})
    needs_kwargs = {r.name: r for r, _ in missing if "<" in r.route and r.name not in KWARGS}
    message = [
        f"{len(missing)} route/method pair(s) have no row in MATRIX ({__file__}, or the "
        "area's tests/authz_rows/<area>.py):",
        *lines,
        "",
        "Add these rows to MATRIX and replace each ? with the expected symbol "
        f"({', '.join(f'{k}: {v}' for k, v in SYMBOLS.items())}, or a status code):",
        *(_template_row(route, method) for route, method in missing),
    ]
    if needs_kwargs:
        message += [
            "",
            "These URLs take arguments: add a builder to KWARGS (route name -> function(world) "
            "-> kwargs), building new objects with world.obj(key, factory):",
            *(
                f'  "{name}": lambda w: {{{", ".join(repr(k) + ": ..." for k in _url_args(route))}}},'
                for name, route in sorted(needs_kwargs.items())
            ),
        ]
    if undeclared:
        message += [
            "",
            "These function views do not declare their methods, so GET and POST are both checked; "
            "decorate them with @require_safe / @require_POST / @require_http_methods to check "
            f"only what they take: {', '.join(undeclared)}",
        ]
    return "\n".join(message)


def test_every_route_and_method_has_a_row():
    report = coverage_report(ROUTES.values())
    if report:
        pytest.fail(report, pytrace=False)


@override_settings(ROOT_URLCONF="tests.urls_extra_route")
def test_a_new_route_without_a_row_is_reported():
    report = coverage_report(discover_routes())
    assert report is not None
    assert "brand-new-thing" in report and "GET" in report and "POST" in report
    assert "KWARGS" in report and "\"brand-new-thing\": lambda w: {'pk': ...}" in report


def test_no_row_is_stale():
    known = {(route.name, method) for route in ROUTES.values() for method in route.methods}
    stale = sorted(set(ROWS) - known)
    assert not stale, f"MATRIX rows for routes or methods that no longer exist: {stale}"


def test_token_columns_are_filled_exactly_for_api_routes():
    wrong = []
    for (name, method), row in ROWS.items():
        route = ROUTES.get(name)
        if route is None:
            continue
        filled = [row["expect"][role] != "-" for role in TOKEN_ROLES]
        if route.is_api != all(filled) or (not route.is_api and any(filled)):
            wrong.append(f"{name} {method}")
    assert not wrong, f"API rows need all token columns, web rows none: {wrong}"


# --- The world ----------------------------------------------------------------------------------


def _verified_staff_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="matrix", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _session_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _bearer_client(secret: str) -> Client:
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")


def _owner_token(tester, *, scopes, status=None, expired=False) -> str:
    issued = token_issue(tester=tester, name="matrix", scopes=scopes)
    updates = {}
    if status:
        updates["status"] = status
    if expired:
        past = timezone.now() - timedelta(days=1)
        updates.update(created_at=past - timedelta(days=30), expires_at=past)
    if updates:
        AccessToken.objects.filter(pk=issued.token.pk).update(**updates)
    return issued.secret


def build_world() -> World:
    program = ProgramFactory()
    staff = {
        "curator": make_staff(Role.CURATOR, "curator@matrix.test"),
        "staff": make_staff(Role.PROGRAM_STAFF, "staff@matrix.test"),
        "finance": make_staff(Role.FINANCE, "finance@matrix.test"),
        "admin": make_staff(Role.ADMIN, "admin@matrix.test"),
    }
    owner, other = make_artist(program), make_artist(program)
    agreement = agreement_publish(
        program=program, title="Terms", body="Be kind. Get paid.", published_by=staff["staff"]
    )
    acceptance = agreement_accept(tester=owner, agreement=agreement, ip_address="127.0.0.1")
    invitation = invitation_create(
        program=program, email="invitee@matrix.test", name="Invitee", country="KE"
    )
    notify(user=owner.user, kind="program.test", title="Hello", email=False)
    return World(program, owner, other, staff, agreement, acceptance, invitation)


def clients_for(world: World, route, scope: str | None) -> dict[str, Client]:
    everything = list(Scope.values)
    clients = {"anon": Client(raise_request_exception=False)}
    for role, tester in (("owner", world.owner), ("other", world.other)):
        clients[role] = (
            _bearer_client(_owner_token(tester, scopes=everything))
            if route.is_api
            else _session_client(tester.user)
        )
    for role, user in world.staff.items():
        clients[role] = _verified_staff_client(user)
    if route.is_api:
        without = [s for s in everything if s != scope] if scope else [Scope.VIDEOS_READ]
        clients["quar"] = _bearer_client(
            _owner_token(world.owner, scopes=everything, status=AccessToken.Status.QUARANTINED)
        )
        clients["expired"] = _bearer_client(
            _owner_token(world.owner, scopes=everything, expired=True)
        )
        clients["noscope"] = _bearer_client(_owner_token(world.owner, scopes=without))
    return clients


def send(client: Client, method: str, url: str, body):
    if method in ("GET", "DELETE", "HEAD"):
        return client.generic(method, url)
    data, content_type = body
    if content_type == MULTIPART:
        return client.post(url, data) if method == "POST" else client.generic(method, url)
    if content_type == "application/json":
        return client.generic(method, url, json.dumps(data), content_type)
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url, "", content_type)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Nobody signs in with a password here; argon2 would make building each world slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method"), sorted(ROWS), ids=[f"{n} {m}" for n, m in sorted(ROWS)]
)
def test_route_answers_each_role_as_the_matrix_says(name, method, settings):
    from django.db import transaction

    route = ROUTES.get(name)
    if route is None or method not in route.methods:
        pytest.skip("stale row: reported by test_no_row_is_stale")
    settings.ATELIER_STAFF_2FA = True
    row = ROWS[(name, method)]
    world = build_world()
    url = reverse(name, kwargs=KWARGS[name](world) if name in KWARGS else None)
    default_body = ({}, "application/json") if route.is_api else ({}, "form")
    body = BODIES[(name, method)](world) if (name, method) in BODIES else default_body
    clients = clients_for(world, route, row["scope"])

    problems = []
    for role, symbol in row["expect"].items():
        if symbol == "-":
            continue
        with transaction.atomic():
            response = send(clients[role], method, url, body)
            transaction.set_rollback(True)
        if not symbol_matches(symbol, response):
            problems.append(f"  {role:<9} expected {symbol:<6} got {describe(response)}")
        elif (
            route.is_api
            and name not in NO_ENVELOPE
            and 400 <= response.status_code < 500
            and not has_error_envelope(response)
        ):
            problems.append(f"  {role:<9} {response.status_code} without the JSON error envelope")
    assert not problems, f"{method} {url} ({name}):\n" + "\n".join(problems)
