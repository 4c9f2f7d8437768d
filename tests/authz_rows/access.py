"""Authorization matrix rows for the access area; merged into tests/test_authorization_matrix.py.

Same format and symbols as MATRIX there. KWARGS builders receive the World and may create
objects with `w.obj(key, factory)` (factory takes the world).

Tokens are personal: only their owner (an artist) sees or revokes them, and new tokens are
minted only in a signed-in session (a token cannot mint tokens), so every bearer POST to
create or rotate is refused. Security (quarantines, flags, settings, pause) is program staff's;
finance also reads the pause history, which pay is counted through. Artists read only the
audit entries about themselves. The secret-scanning endpoint ignores sessions and tokens:
only a partner's signature counts.
"""

# fmt: off
MATRIX = """
# name                            method scope | anon   owner  other  curator staff  finance admin | quar expired noscope
api-tokens                        GET    -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-tokens                        POST   -     | 401    403    403    403     403    403     403   | 403  401     403
api-token                         GET    -     | 401    ok     404    403     403    403     403   | 403  401     ok
api-token                         DELETE -     | 401    204    404    403     403    403     403   | 403  401     204
api-token-rotate                  POST   -     | 401    403    403    403     403    403     403   | 403  401     403
api-audit-events                  GET    -     | 401    ok     ok     403     ok     403     ok    | 403  401     ok
api-security-quarantines          GET    -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-security-quarantine-release   POST   -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-security-flags                GET    -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-security-flag-resolve         POST   -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-security-settings             GET    -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-security-settings             PATCH  -     | 401    403    403    403     ok     403     ok    | 403  401     403
api-security-pauses               GET    -     | 401    403    403    403     ok     ok      ok    | 403  401     403
api-security-pause                POST   -     | 401    403    403    403     201    403     201   | 403  401     403
api-security-resume               POST   -     | 401    403    403    403     409    403     409   | 403  401     403
# Only a partner's signature counts (none configured here); signed reports: tests/access.
api-token-reports                 POST   -     | 401    401    401    401     401    401     401   | 401  401     401
portal-tokens                     GET    -     | login  ok     ok     403     403    403     404   | -    -       -
portal-tokens                     POST   -     | login  400    400    403     403    403     404   | -    -       -
portal-token-rotate               POST   -     | login  201    404    403     403    403     404   | -    -       -
portal-token-revoke               POST   -     | login  302    404    403     403    403     404   | -    -       -
staff-security                    GET    -     | login  403    403    403     ok     403     ok    | -    -       -
staff-quarantine-release          POST   -     | login  403    403    403     302    403     302   | -    -       -
staff-flag-resolve                POST   -     | login  403    403    403     302    403     302   | -    -       -
staff-program-pause               POST   -     | login  403    403    403     302    403     302   | -    -       -
staff-program-resume              POST   -     | login  403    403    403     302    403     302   | -    -       -
staff-security-settings           GET    -     | login  403    403    403     ok     403     ok    | -    -       -
staff-security-settings           POST   -     | login  403    403    403     400    403     400   | -    -       -
staff-audit                       GET    -     | login  403    403    403     ok     403     ok    | -    -       -
"""
# fmt: on


def _issue(tester, name: str):
    from program.access.models import Scope
    from program.access.services import token_issue

    return token_issue(tester=tester, name=name, scopes=[Scope.VIDEOS_READ]).token


def _owner_token(w):
    return w.obj("access-token", lambda w: _issue(w.owner, "laptop"))


def _quarantine(w):
    from program.access.services import token_quarantine

    return w.obj(
        "access-quarantine",
        lambda w: token_quarantine(
            token=_issue(w.owner, "leaked"), rule="origin", evidence={"origins": ["https://x.test"]}
        ),
    )


def _flag(w):
    from program.access.services import security_flag_raise

    return w.obj(
        "access-flag",
        lambda w: security_flag_raise(
            token=_issue(w.owner, "busy"), kind="volume_spike", evidence={"per_minute": 90}
        ),
    )


KWARGS: dict = {
    "api-token": lambda w: {"pk": _owner_token(w).pk},
    "api-token-rotate": lambda w: {"pk": _owner_token(w).pk},
    "portal-token-rotate": lambda w: {"pk": _owner_token(w).pk},
    "portal-token-revoke": lambda w: {"pk": _owner_token(w).pk},
    "api-security-quarantine-release": lambda w: {"pk": _quarantine(w).pk},
    "staff-quarantine-release": lambda w: {"pk": _quarantine(w).pk},
    "api-security-flag-resolve": lambda w: {"pk": _flag(w).pk},
    "staff-flag-resolve": lambda w: {"pk": _flag(w).pk},
}

_JSON = "application/json"
BODIES: dict = {
    ("api-security-quarantine-release", "POST"): lambda w: ({"reason": "It was me"}, _JSON),
    ("api-security-flag-resolve", "POST"): lambda w: ({"resolution": "A batch job"}, _JSON),
    ("api-security-pause", "POST"): lambda w: ({"reason": "Model update"}, _JSON),
}
NO_ENVELOPE: set = set()
