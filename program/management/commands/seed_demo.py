from importlib import import_module

from django.core.management.base import BaseCommand
from django.test import override_settings

from program import demo

# Apps that add demo data, in dependency order. Each may define demo.seed(context).
# The pay policy comes first so that paid work seeded by later apps earns under it.
DEMO_APPS = (
    "payments.demo:seed_policy",
    "program.access",
    "generation",
    "program.feedback",
    "program.films",
    "payments",
)


class Command(BaseCommand):
    help = "Create a demo program with testers, staff and sample activity. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--testers", type=int, default=300)

    # Demo invitations and notices go nowhere instead of flooding the console.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def handle(self, *args, testers, **options):
        context = demo.seed(testers=testers)
        if context is None:
            self.stdout.write("Demo data already present; nothing changed.")
            return
        for entry in DEMO_APPS:
            module_name, _, function = entry.partition(":")
            if not function:
                module_name, function = f"{module_name}.demo", "seed"
            try:
                module = import_module(module_name)
            except ModuleNotFoundError:
                continue
            getattr(module, function)(context)
            self.stdout.write(f"  seeded {entry}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program '{context.program.name}' with {len(context.artists)} testers."
            )
        )
