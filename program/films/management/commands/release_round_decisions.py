from django.core.management.base import BaseCommand, CommandError

from atelier.errors import ServiceError
from program.films.models import Round
from program.films.services.curation import round_release, rounds_release_due


class Command(BaseCommand):
    help = "Release the decisions of rounds whose notification date has come (or one round)."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="Release this round only (by id).")

    def handle(self, *args, **options):
        if options["round"]:
            round = Round.objects.filter(pk=options["round"]).first()
            if round is None:
                raise CommandError(f"No round {options['round']}.")
            try:
                round_release(round=round)
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"Released round {round.pk}: {round.name}")
            return
        released = rounds_release_due()
        self.stdout.write(f"Released {len(released)} round(s): {released}")
