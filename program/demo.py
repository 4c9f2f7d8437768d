"""Demo data for program membership. `seed_demo` calls each app's demo.seed(context)."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from program.models import Program, Tester, TesterStatusChange
from program.roles import Role
from program.services.agreements import agreement_accept, agreement_publish
from program.services.invitations import invitation_create
from program.services.testers import tester_change_status, user_grant_role

User = get_user_model()
DEMO_PASSWORD = "atelier-demo"  # noqa: S105 - printed for the local demo on purpose

COUNTRIES = [
    "US",
    "FR",
    "NG",
    "JP",
    "BR",
    "IN",
    "DE",
    "MX",
    "KE",
    "KR",
    "GB",
    "AR",
    "ZA",
    "PH",
    "CA",
    "ES",
    "IT",
    "EG",
    "ID",
    "VN",
]
FIRST = [
    "Ada",
    "Bola",
    "Chen",
    "Dara",
    "Emeka",
    "Fatima",
    "Giulia",
    "Hana",
    "Ines",
    "Jomo",
    "Kenji",
    "Lena",
    "Malik",
    "Noor",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomás",
    "Uma",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zeynep",
]
LAST = [
    "Okafor",
    "Tanaka",
    "Silva",
    "Dubois",
    "Kim",
    "Mensah",
    "Rossi",
    "Patel",
    "Novak",
    "García",
    "Haddad",
    "Nguyen",
    "Schmidt",
    "Adeyemi",
    "Lopez",
    "Ito",
    "Moreau",
    "Khan",
    "Costa",
    "Mwangi",
]
COHORTS = ["Filmmakers", "Animators", "VFX", "Music video", "Fine art"]
AGREEMENT_BODY = """## Atelier early-access agreement

1. **Paid participation.** You are paid under the published compensation policy: a monthly stipend for
   taking part, plus fees for accepted feedback, selected films, screenings, paid test sessions and licenses.
2. **Voluntary feedback.** Feedback is welcome and never required. Honest criticism is never penalised.
3. **Your films stay yours.** No promotional use of your work without a license you accept and are paid for.
   You can withdraw consent for future uses at any time.
4. **Personal access.** Your access tokens are personal. A token that looks leaked is quarantined on its own;
   you can mint a new one at once.
5. **Confidentiality.** Outputs of the unreleased model may be shared publicly only through films you choose
   to publish; the model's internals stay confidential.
"""


@dataclass
class DemoContext:
    """What each app's demo.seed() receives; apps add what they create for later apps."""

    program: Program
    rng: random.Random
    staff: dict[str, User]
    artists: list[Tester]
    extra: dict = field(default_factory=dict)


def _user(email: str, name: str, role: str, password_hash: str) -> User:
    first, _, last = name.partition(" ")
    user, _ = User.objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first,
            "last_name": last,
            "password": password_hash,
        },
    )
    user_grant_role(user=user, role=role)
    return user


@transaction.atomic
def seed(*, testers: int = 300, seed_value: int = 7) -> DemoContext | None:
    """Create the demo program, or return None if it already exists (re-runs keep data)."""
    if Program.objects.filter(slug="atelier-alpha").exists():
        return None
    rng = random.Random(seed_value)
    today = timezone.localdate()
    program = Program.objects.create(
        name="Atelier Alpha",
        slug="atelier-alpha",
        description="Early access to the Atelier text-to-video model.",
        starts_on=today - timedelta(days=75),
        ends_on=date(today.year + 1, 12, 31),
    )
    password_hash = make_password(DEMO_PASSWORD)
    staff = {
        "admin": _user("admin@atelier.test", "Ada Admin", Role.ADMIN, password_hash),
        "staff": _user("staff@atelier.test", "Sam Staff", Role.PROGRAM_STAFF, password_hash),
        "curator": _user("curator@atelier.test", "Cleo Curator", Role.CURATOR, password_hash),
        "curator2": _user("curator2@atelier.test", "Kofi Curator", Role.CURATOR, password_hash),
        "curator3": _user("curator3@atelier.test", "Mei Curator", Role.CURATOR, password_hash),
        "finance": _user("finance@atelier.test", "Fin Finance", Role.FINANCE, password_hash),
        "finance2": _user("finance2@atelier.test", "Fay Finance", Role.FINANCE, password_hash),
    }
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save(update_fields=["is_staff", "is_superuser"])
    agreement = agreement_publish(
        program=program,
        title="Atelier early-access agreement",
        body=AGREEMENT_BODY,
        published_by=staff["staff"],
    )

    artists = []
    for index in range(testers):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = "artist@atelier.test" if index == 0 else f"artist{index:03d}@atelier.test"
        invitation = invitation_create(
            program=program,
            email=email,
            name=name,
            country=COUNTRIES[index % len(COUNTRIES)] if index else "FR",
            cohort=rng.choice(COHORTS),
            portfolio_links=[f"https://portfolio.example/{email.split('@')[0]}"],
            invited_by=staff["staff"],
        )
        tester = invitation.tester
        roll = rng.random() if index else 0.0
        if roll < 0.85:
            tester.user.password = password_hash
            tester.user.save(update_fields=["password"])
            invitation.status = invitation.Status.ACCEPTED
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["status", "responded_at"])
            tester = tester_change_status(
                tester=tester,
                to_status=Tester.Status.ONBOARDING,
                actor=tester.user,
                reason="Accepted the invitation",
            )
            agreement_accept(
                tester=tester, agreement=agreement, ip_address="127.0.0.1", user_agent="seed_demo"
            )
            tester.refresh_from_db()
            if 0.80 < roll < 0.83:
                tester = tester_change_status(
                    tester=tester,
                    to_status=Tester.Status.SUSPENDED,
                    actor=staff["staff"],
                    reason="Demo: paused at the artist's request",
                )
            elif roll >= 0.83:
                tester = tester_change_status(
                    tester=tester,
                    to_status=Tester.Status.OFFBOARDED,
                    actor=staff["staff"],
                    reason="Demo: left the program",
                )
        elif roll < 0.92:
            tester.user.password = password_hash
            tester.user.save(update_fields=["password"])
            invitation.status = invitation.Status.ACCEPTED
            invitation.save(update_fields=["status"])
            tester = tester_change_status(
                tester=tester,
                to_status=Tester.Status.ONBOARDING,
                actor=tester.user,
                reason="Accepted the invitation",
            )
        artists.append(tester)
    # Spread joins over the program so pay and charts look like a real program.
    for tester in artists:
        if tester.joined_at:
            joined = timezone.now() - timedelta(days=rng.randint(5, 70))
            Tester.objects.filter(pk=tester.pk).update(joined_at=joined)
            TesterStatusChange.objects.filter(tester=tester, to_status=Tester.Status.ACTIVE).update(
                created_at=joined
            )
            tester.joined_at = joined
    return DemoContext(program=program, rng=rng, staff=staff, artists=artists)
