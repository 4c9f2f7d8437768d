from atelier.nav import NavItem
from program.roles import Role

ARTIST = [
    NavItem("Dashboard", "portal-dashboard", order=0),
    NavItem("Agreement", "portal-agreement", order=90),
    NavItem("Notifications", "notifications", order=95),
]
STAFF = [
    NavItem(
        "Overview",
        "staff-overview",
        order=0,
        roles=(Role.CURATOR, Role.PROGRAM_STAFF, Role.FINANCE),
    ),
    NavItem("Testers", "staff-testers", order=10, roles=(Role.PROGRAM_STAFF,)),
    NavItem("Invitations", "staff-invitations", order=11, roles=(Role.PROGRAM_STAFF,)),
    NavItem("Terms", "staff-agreements", order=80, roles=(Role.PROGRAM_STAFF,)),
]
