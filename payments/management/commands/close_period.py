from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from atelier.errors import ServiceError
from payments.money import format_minor
from payments.selectors import transparency_compute
from payments.services.payouts import month_parse, period_close_run, period_start
from program.selectors import program_current


class Command(BaseCommand):
    help = "Close a payout period (YYYY-MM): accrue missing stipends, read balances, draft a batch."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--by", default="", help="Email of the user closing the period")

    def handle(self, *args, month, by, **options):
        program = program_current()
        if program is None:
            raise CommandError("No program exists.")
        user = None
        if by:
            user = get_user_model().objects.filter(email__iexact=by).first()
            if user is None:
                raise CommandError(f"No user with email {by}.")
        try:
            period = period_start(program=program, month=month_parse(month), closed_by=user)
            period = period_close_run(period_id=period.pk)
            transparency_compute(program=program, store=True)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        batch = period.batch
        payouts = list(batch.payouts.all())
        totals: dict[str, int] = {}
        for payout in payouts:
            totals[payout.currency] = totals.get(payout.currency, 0) + payout.amount_minor
        money = ", ".join(format_minor(v, c) for c, v in sorted(totals.items())) or "nothing"
        self.stdout.write(
            f"Closed {period.label}: draft batch {batch.pk} with {len(payouts)} payouts, {money}."
        )
