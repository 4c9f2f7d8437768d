from django.core.management.base import BaseCommand, CommandError

from atelier.errors import ServiceError
from program.access.models import Scope
from program.access.services import token_issue
from program.models import Tester
from program.selectors import program_current


class Command(BaseCommand):
    help = "Mint a personal access token for a tester and print it once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--scopes",
            default=",".join(Scope.values),
            help=f"Comma-separated; known: {', '.join(Scope.values)}",
        )
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--name", default="cli")

    def handle(self, *args, email, scopes, expires_days, name, **options):
        program = program_current()
        tester = Tester.objects.filter(
            program=program, user__username=email.strip().lower()
        ).first()
        if tester is None:
            raise CommandError(f"No tester with email {email} in the current program.")
        try:
            issued = token_issue(
                tester=tester,
                name=name,
                scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                expires_in_days=expires_days,
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'input'}: {exc.message}") from exc
        self.stderr.write(
            f"Token '{issued.token.name}' for {email}, scopes {', '.join(issued.token.scopes)}, "
            f"expires {issued.token.expires_at:%Y-%m-%d}. It is shown only now."
        )
        self.stdout.write(issued.secret)
