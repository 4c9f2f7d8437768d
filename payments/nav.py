from atelier.nav import NavItem  # noqa: F401
from program.roles import Role  # noqa: F401

ARTIST: list = []
STAFF: list = []
