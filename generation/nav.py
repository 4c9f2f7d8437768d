from django.template.loader import render_to_string

from atelier.nav import NavItem
from program.roles import Role

ARTIST = [
    NavItem("Generate", "generation-new", order=10),
    NavItem("My videos", "generation-videos", order=11),
]
STAFF = [
    NavItem("Videos", "staff-generation", order=30, roles=(Role.PROGRAM_STAFF,)),
]


def quota_panel(request, tester=None, **context):
    """Artist dashboard card: GPU time left today and what is running."""
    if tester is None:
        return None
    from generation.selectors import quota_summary

    return render_to_string(
        "generation/_quota_panel.html", {"quota": quota_summary(tester=tester)}, request=request
    )


def queue_panel(request, **context):
    from generation.selectors import queue_depth
    from program.roles import has_role

    if not has_role(request.user, Role.PROGRAM_STAFF):
        return None

    return render_to_string(
        "generation/_queue_panel.html", {"depth": queue_depth()}, request=request
    )


ARTIST_PANELS = [quota_panel]
STAFF_PANELS = [queue_panel]
