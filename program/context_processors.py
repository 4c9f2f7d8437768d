from atelier.nav import nav_links
from program.roles import Role, has_role, is_staff_member
from program.selectors import program_current


def navigation(request) -> dict:
    """What the shared layout needs: the program and the sections this user may open."""
    user = request.user
    is_artist = has_role(user, Role.ARTIST) and not user.is_superuser
    is_staff = is_staff_member(user)
    return {
        "current_program": program_current(),
        "artist_nav": nav_links("ARTIST") if is_artist and not is_staff else [],
        "staff_nav": (
            nav_links("STAFF", allowed=lambda item: has_role(user, *item.roles)) if is_staff else []
        ),
    }
