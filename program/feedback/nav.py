from atelier.nav import NavItem  # noqa: F401
from program.roles import Role  # noqa: F401

ARTIST: list = []
STAFF: list = []
# Panels: functions (request, **context) -> rendered HTML or None. See atelier/nav.py.
ARTIST_PANELS: list = []
STAFF_PANELS: list = []
