from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from atelier.errors import ServiceError
from payments.models import PayoutBatch
from payments.services.payouts import batch_approve


class Command(BaseCommand):
    help = "Approve a draft payout batch (four eyes: not the user who closed the period)."

    def add_arguments(self, parser):
        parser.add_argument("batch_id", type=int)
        parser.add_argument("--by", required=True, help="Email of the approving finance user")

    def handle(self, *args, batch_id, by, **options):
        user = get_user_model().objects.filter(email__iexact=by).first()
        if user is None:
            raise CommandError(f"No user with email {by}.")
        batch = PayoutBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"No batch {batch_id}.")
        try:
            batch = batch_approve(batch=batch, approver=user)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Batch {batch.pk} approved by {user.email}.")
