from django.core.management.base import BaseCommand, CommandError

from atelier.errors import ServiceError
from program.models import Tester
from program.selectors import program_current
from program.services.testers import tester_change_status, tester_create


class Command(BaseCommand):
    help = "Create a tester in the current program (for scripts). Prints the tester id."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. FR")
        parser.add_argument("--cohort", default="")
        parser.add_argument(
            "--password", default="", help="Set a password so the tester can sign in"
        )
        parser.add_argument(
            "--status",
            default=Tester.Status.ACTIVE,
            choices=[Tester.Status.INVITED, Tester.Status.ONBOARDING, Tester.Status.ACTIVE],
        )

    def handle(self, *args, email, name, country, cohort, password, status, **options):
        program = program_current()
        if program is None:
            raise CommandError("No program exists. Run `python manage.py seed_demo` first.")
        try:
            tester = tester_create(
                program=program, email=email, display_name=name, country=country, cohort=cohort
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'input'}: {exc.message}") from exc
        path = [Tester.Status.ONBOARDING, Tester.Status.ACTIVE]
        for step in path[: path.index(status) + 1] if status != Tester.Status.INVITED else []:
            tester = tester_change_status(
                tester=tester, to_status=step, actor=None, reason="create_tester command"
            )
        if password:
            tester.user.set_password(password)
            tester.user.save(update_fields=["password"])
        self.stdout.write(f"{tester.pk}\t{tester.user.email}\t{tester.status}")
