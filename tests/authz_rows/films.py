"""Authorization matrix rows for the films area; merged into tests/test_authorization_matrix.py.

Same format and symbols as MATRIX there. KWARGS builders receive the World and may create
objects with `w.obj(key, factory)` (factory takes the world).

The world's films belong to the owner: a draft, a film in review assigned to the matrix curator
(who has scored it, so round results show), a selected film with a pending license request, and a
planned screening. Token rows: consent actions (withdraw, credit line, license answers) need a
signed-in session, so every token is refused there (403) before ownership is looked at.
"""

from datetime import timedelta

from django.utils import timezone

# fmt: off
MATRIX = """
# name                     method scope        | anon   owner  other  curator staff  finance admin | quar expired noscope
api-films                  GET    videos:read  | 401    ok     ok     403     403    403     deny  | 403  401     403
api-films                  POST   videos:write | 401    400    400    403     403    403     deny  | 403  401     403
api-films-assemble         POST   videos:write | 401    400    400    403     403    403     deny  | 403  401     403
api-films-public           GET    -            | ok     ok     ok     ok      ok     ok      ok    | ok   ok      ok
api-films-licenses-mine    GET    videos:read  | 401    ok     ok     403     403    403     deny  | 403  401     403
api-film                   GET    videos:read  | 401    ok     404    403    403    403    deny  | 403  401     403
api-film                   PATCH  videos:write | 401    ok     404    403    403    403    deny  | 403  401     403
api-film-submit            POST   videos:write | 401    ok     404    403    403    403    deny  | 403  401     403
api-film-withdraw          POST   -            | 401    403    403    403    403    403    deny  | 403  401     403
api-film-credit-line       POST   -            | 401    403    403    403    403    403    deny  | 403  401     403
api-film-reviews           GET    videos:read  | 401    ok     404    403    403    403    deny  | 403  401     403
api-film-licenses          GET    videos:read  | 401    ok     404    403    403    403    deny  | 403  401     403
api-film-license-accept    POST   -            | 401    403    403    403    403    403    deny  | 403  401     403
api-film-license-decline   POST   -            | 401    403    403    403    403    403    deny  | 403  401     403
api-film-license-withdraw  POST   -            | 401    403    403    403    403    403    deny  | 403  401     403
api-curation-mine          GET    -            | 401    403    403    ok      403    403     ok    | 403  401     403
api-curation-assignment    GET    -            | 401    403    403    ok      403    403     404   | 403  401     403
api-curation-review        POST   -            | 401    403    403    400     403    403     404   | 403  401     403
api-curation-conflict      POST   -            | 401    403    403    400     403    403     404   | 403  401     403
api-round-results          GET    -            | 401    403    403    ok      ok     403     ok    | 403  401     403
api-rounds                 GET    -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-rounds                 POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-round                  GET    -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-round                  PATCH  -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-round-criteria         POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-round-assignments      GET    -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-round-autoassign       POST   -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-round-decisions        GET    -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-round-decisions        POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-round-release          POST   -            | 401    403    403    403     409    403     409    | 403  401     403
api-assignments            POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-staff-films            GET    -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-staff-credit-line      POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-screenings             GET    -            | 401    403    403    403     ok     ok      ok    | 403  401     403
api-screenings             POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-screening              GET    -            | 401    403    403    403     ok     ok      ok    | 403  401     403
api-screening-films        POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-screening-confirm      POST   -            | 401    403    403    403     409    403     409    | 403  401     403
api-licenses               GET    -            | 401    403    403    403     ok     ok      ok    | 403  401     403
api-licenses               POST   -            | 401    403    403    403     400    403     400   | 403  401     403
api-license-uses           GET    -            | 401    403    403    403     ok     ok      ok    | 403  401     403
api-license                GET    -            | 401    403    403    403     ok     ok      ok    | 403  401     403
api-license-cancel         POST   -            | 401    403    403    403     ok     403     ok    | 403  401     403
api-license-use            POST   -            | 401    403    403    403     400    403     400   | 403  401     403
films-public               GET    -            | ok     ok     ok     ok      ok     ok      ok    | -    -       -
films-media                GET    -            | 404    ok     404    ok      ok     404     ok    | -    -       -
films-mine                 GET    -            | login  ok     ok     403     403    403     404   | -    -       -
films-submit               GET    -            | login  ok     ok     403     403    403     404   | -    -       -
films-submit               POST   -            | login  400    400    403     403    403     404   | -    -       -
films-licenses-mine        GET    -            | login  ok     ok     403     403    403     404   | -    -       -
films-detail               GET    -            | login  ok     404    403     403    403     404   | -    -       -
films-detail               POST   -            | login  302    404    403     403    403     404   | -    -       -
films-curator              GET    -            | login  403    403    ok      403    403     ok    | -    -       -
films-review               GET    -            | login  403    403    ok      403    403     404   | -    -       -
films-review               POST   -            | login  403    403    ok      403    403     404   | -    -       -
films-results              GET    -            | login  403    403    ok      ok     403     ok    | -    -       -
films-staff                GET    -            | login  403    403    403     ok     403     ok    | -    -       -
films-staff                POST   -            | login  403    403    403     302    403     302   | -    -       -
films-rounds               GET    -            | login  403    403    403     ok     403     ok    | -    -       -
films-rounds               POST   -            | login  403    403    403     ok     403     ok    | -    -       -
films-round                GET    -            | login  403    403    403     ok     403     ok    | -    -       -
films-round                POST   -            | login  403    403    403     ok     403     ok    | -    -       -
films-screenings           GET    -            | login  403    403    403     ok     ok      ok    | -    -       -
films-screenings           POST   -            | login  403    403    403     ok     403     ok    | -    -       -
films-screening            GET    -            | login  403    403    403     ok     ok      ok    | -    -       -
films-screening            POST   -            | login  403    403    403     302    403     302   | -    -       -
films-licenses             GET    -            | login  403    403    403     ok     ok      ok    | -    -       -
films-licenses             POST   -            | login  403    403    403     ok     403     ok    | -    -       -
films-license              GET    -            | login  403    403    403     ok     ok      ok    | -    -       -
films-license              POST   -            | login  403    403    403     ok     403     ok    | -    -       -
"""
# fmt: on


def _round(w):
    from tests.films.factories import make_round

    return make_round(program=w.program, actor=w.staff["staff"], reviewers=1)


def _draft(w):
    from tests.films.factories import make_film

    w.obj("round", _round)
    return make_film(tester=w.owner, title="Draft", submit=False)


def _assignment(w):
    """The owner's film in review, assigned to the matrix curator, who has scored it."""
    from program.films.services import curation
    from tests.films.factories import make_film, review

    w.obj("round", _round)
    film = make_film(tester=w.owner, title="In review")
    assignment = curation.assignment_create(
        film=film, curator=w.staff["curator"], actor=w.staff["staff"]
    )
    review(assignment, 4, 3, feedback="Lovely light.")
    # A second, unscored assignment is what the curator acts on.
    second = make_film(tester=w.owner, title="Second")
    return curation.assignment_create(
        film=second, curator=w.staff["curator"], actor=w.staff["staff"]
    )


def _license(w):
    from tests.films.factories import make_license, make_selected_film

    w.obj("round", _round)
    film = make_selected_film(tester=w.owner)
    return make_license(film=film, actor=w.staff["staff"])


def _screening(w):
    from program.films.services import screenings

    return screenings.screening_create(
        program=w.program,
        title="Night one",
        starts_at=timezone.now() + timedelta(days=3),
        place="Cinema",
        actor=w.staff["staff"],
    )


def _draft_pk(w):
    return {"pk": w.obj("draft", _draft).pk}


def _license_kwargs(w):
    license = w.obj("license", _license)
    return {"pk": license.film_id, "license_pk": license.pk}


KWARGS: dict = {
    "api-film": _draft_pk,
    "api-film-submit": _draft_pk,
    "api-film-withdraw": _draft_pk,
    "api-film-credit-line": lambda w: {"pk": w.obj("license", _license).film_id},
    "api-film-reviews": _draft_pk,
    "api-film-licenses": lambda w: {"pk": w.obj("license", _license).film_id},
    "api-film-license-accept": _license_kwargs,
    "api-film-license-decline": _license_kwargs,
    "api-film-license-withdraw": _license_kwargs,
    "api-curation-assignment": lambda w: {"pk": w.obj("assignment", _assignment).pk},
    "api-curation-review": lambda w: {"pk": w.obj("assignment", _assignment).pk},
    "api-curation-conflict": lambda w: {"pk": w.obj("assignment", _assignment).pk},
    "api-round-results": lambda w: {"pk": w.obj("assignment", _assignment).round_id},
    "api-round": lambda w: {"pk": w.obj("round", _round).pk},
    "api-round-criteria": lambda w: {"pk": w.obj("round", _round).pk},
    "api-round-assignments": lambda w: {"pk": w.obj("assignment", _assignment).round_id},
    "api-round-autoassign": lambda w: {"pk": w.obj("assignment", _assignment).round_id},
    "api-round-decisions": lambda w: {"pk": w.obj("assignment", _assignment).round_id},
    "api-round-release": lambda w: {"pk": w.obj("round", _round).pk},
    "api-staff-credit-line": lambda w: {"pk": w.obj("license", _license).film_id},
    "api-screening": lambda w: {"pk": w.obj("screening", _screening).pk},
    "api-screening-films": lambda w: {"pk": w.obj("screening", _screening).pk},
    "api-screening-confirm": lambda w: {"pk": w.obj("screening", _screening).pk},
    "api-license": lambda w: {"pk": w.obj("license", _license).pk},
    "api-license-cancel": lambda w: {"pk": w.obj("license", _license).pk},
    "api-license-use": lambda w: {"pk": w.obj("license", _license).pk},
    "films-media": lambda w: {"pk": w.obj("assignment", _assignment).film_id, "variant": "video"},
    "films-detail": lambda w: {"pk": w.obj("draft", _draft).pk},
    "films-review": lambda w: {"pk": w.obj("assignment", _assignment).pk},
    "films-results": lambda w: {"pk": w.obj("assignment", _assignment).round_id},
    "films-round": lambda w: {"pk": w.obj("round", _round).pk},
    "films-screening": lambda w: {"pk": w.obj("screening", _screening).pk},
    "films-license": lambda w: {"pk": w.obj("license", _license).pk},
}

MULTIPART = "multipart"
BODIES: dict = {
    ("api-films", "POST"): lambda w: ({}, MULTIPART),
    ("films-staff", "POST"): lambda w: (
        {"film": w.obj("license", _license).film_id, "credit_line": ""},
        "form",
    ),
}
NO_ENVELOPE: set = set()
