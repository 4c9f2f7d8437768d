from django.core.management.base import BaseCommand

from program.access.usage import token_usage_prune


class Command(BaseCommand):
    help = "Fold token usage older than the retention into daily aggregates; drop old counters."

    def handle(self, *args, **options):
        result = token_usage_prune()
        self.stdout.write(
            f"Folded {result['folded']} usage rows into daily aggregates "
            f"(deleted {result['deleted']}); removed {result['counters']} rate counters and "
            f"{result['receipts']} report receipts."
        )
