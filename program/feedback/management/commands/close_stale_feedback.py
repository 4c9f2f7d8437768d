from django.core.management.base import BaseCommand

from program.feedback.services import feedback_close_stale


class Command(BaseCommand):
    help = "Close needs-info feedback after the silence period (no penalty to the artist)."

    def handle(self, *args, **options):
        closed = feedback_close_stale()
        self.stdout.write(f"Closed {closed} feedback item(s) waiting for information.")
