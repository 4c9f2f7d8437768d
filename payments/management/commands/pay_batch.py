from django.core.management.base import BaseCommand, CommandError

from atelier.errors import ServiceError
from payments.models import PayoutBatch
from payments.services.payouts import batch_pay_run, batch_pay_start


class Command(BaseCommand):
    help = "Pay an approved batch. Safe to rerun: each payout is paid exactly once."

    def add_arguments(self, parser):
        parser.add_argument("batch_id", type=int)

    def handle(self, *args, batch_id, **options):
        batch = PayoutBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"No batch {batch_id}.")
        try:
            batch_pay_start(batch=batch)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        batch = batch_pay_run(batch_id=batch.pk)
        counts: dict[str, int] = {}
        for status in batch.payouts.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no payouts"
        self.stdout.write(f"Batch {batch.pk}: {batch.status} ({summary}).")
        for payout in batch.payouts.exclude(failure_reason=""):
            self.stdout.write(f"  payout {payout.pk} {payout.status}: {payout.failure_reason}")
