from django.core.management.base import BaseCommand, CommandError

from payments.gateways import GatewayError
from payments.services.reconcile import reconcile_stripe


class Command(BaseCommand):
    help = "Compare the ledger's Stripe payouts with Stripe's transfers; list every mismatch."

    def handle(self, *args, **options):
        try:
            problems = reconcile_stripe()
        except GatewayError as exc:
            raise CommandError(exc.message) from exc
        for problem in problems:
            self.stdout.write(f"MISMATCH {problem}")
        if problems:
            raise CommandError(f"{len(problems)} mismatch(es) between the ledger and Stripe.")
        self.stdout.write("Ledger and Stripe agree.")
