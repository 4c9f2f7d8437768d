from django.template.loader import render_to_string

from atelier.nav import NavItem
from program.roles import Role, has_role

ARTIST = [NavItem("Feedback", "feedback-list", order=30)]
STAFF = [NavItem("Feedback", "feedback-queue", order=30, roles=(Role.PROGRAM_STAFF,))]


def open_feedback_panel(request, *, tester=None, **context):
    """Artist dashboard: open feedback with its clocks."""
    if tester is None:
        return None
    from program.feedback.clocks import feedback_clocks
    from program.feedback.selectors import feedback_open_for_tester

    items = list(feedback_open_for_tester(tester=tester)[:5])
    rows = [(item, feedback_clocks(item)) for item in items]
    return render_to_string("feedback/panel_artist.html", {"rows": rows}, request=request)


def feedback_due_panel(request, *, program=None, **context):
    """Staff overview: what is due or overdue in the triage queue (program staff only)."""
    if program is None or not has_role(request.user, Role.PROGRAM_STAFF):
        return None
    from program.feedback.selectors import feedback_due_counts

    counts = feedback_due_counts(program=program)
    return render_to_string("feedback/panel_staff.html", {"counts": counts}, request=request)


# Panels: functions (request, **context) -> rendered HTML or None. See atelier/nav.py.
ARTIST_PANELS: list = [open_feedback_panel]
STAFF_PANELS: list = [feedback_due_panel]
