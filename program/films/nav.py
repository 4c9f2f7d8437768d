from django.template.loader import render_to_string

from atelier.nav import NavItem
from program.roles import Role, has_role

ARTIST: list = [
    NavItem("Films", "films-mine", order=40),
    NavItem("Licenses", "films-licenses-mine", order=41),
]
STAFF: list = [
    NavItem("Reviews", "films-curator", order=40, roles=(Role.CURATOR,)),
    NavItem("Rounds", "films-rounds", order=41, roles=(Role.PROGRAM_STAFF,)),
    NavItem("Films", "films-staff", order=42, roles=(Role.PROGRAM_STAFF,)),
    NavItem("Screenings", "films-screenings", order=43, roles=(Role.PROGRAM_STAFF, Role.FINANCE)),
    NavItem("Licenses", "films-licenses", order=44, roles=(Role.PROGRAM_STAFF, Role.FINANCE)),
]


def artist_films_panel(request, tester=None, **context):
    if tester is None:
        return None
    from program.films.models import License
    from program.films.selectors import film_list_for_tester, license_list_for_tester

    films = list(film_list_for_tester(tester=tester)[:5])
    pending = license_list_for_tester(tester=tester).filter(status=License.Status.PENDING).count()
    return render_to_string(
        "films/_panel_artist.html", {"films": films, "pending": pending}, request=request
    )


def staff_films_panel(request, program=None, **context):
    if program is None:
        return None
    from program.films.models import Assignment, License

    curator = has_role(request.user, Role.CURATOR)
    staff = has_role(request.user, Role.PROGRAM_STAFF)
    if not (curator or staff):
        return None
    open_reviews = (
        Assignment.objects.filter(curator=request.user, status=Assignment.Status.ASSIGNED).count()
        if curator
        else 0
    )
    pending_licenses = (
        License.objects.filter(film__program=program, status=License.Status.PENDING).count()
        if staff
        else 0
    )
    return render_to_string(
        "films/_panel_staff.html",
        {
            "curator": curator,
            "staff": staff,
            "open_reviews": open_reviews,
            "pending_licenses": pending_licenses,
        },
        request=request,
    )


ARTIST_PANELS: list = [artist_films_panel]
STAFF_PANELS: list = [staff_films_panel]
