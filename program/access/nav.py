from django.template.loader import render_to_string

from atelier.nav import NavItem
from program.roles import Role, has_role

ARTIST = [NavItem("Tokens", "portal-tokens", order=80)]
STAFF = [
    NavItem("Security", "staff-security", order=70, roles=(Role.PROGRAM_STAFF,)),
    NavItem("Audit log", "staff-audit", order=71, roles=(Role.PROGRAM_STAFF,)),
]


def artist_tokens_panel(request, tester=None, **context) -> str | None:
    """Token count, and a warning when one of the artist's tokens is quarantined."""
    if tester is None:
        return None
    from program.access.selectors import token_counts

    return render_to_string(
        "access/_panel_artist.html",
        {"counts": token_counts(tester=tester), "program": tester.program},
        request=request,
    )


def staff_security_panel(request, program=None, **context) -> str | None:
    if program is None or not has_role(request.user, Role.PROGRAM_STAFF):
        return None
    from program.access.selectors import flag_list, quarantine_list

    return render_to_string(
        "access/_panel_staff.html",
        {
            "program": program,
            "quarantined": quarantine_list(program=program).count(),
            "flags": flag_list(program=program).count(),
        },
        request=request,
    )


# Panels: functions (request, **context) -> rendered HTML or None. See atelier/nav.py.
ARTIST_PANELS: list = [artist_tokens_panel]
STAFF_PANELS: list = [staff_security_panel]
