from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from generation.tiny import build_tiny_model


class Command(BaseCommand):
    help = "Write a randomly initialised model (built in code, no download) to the models folder."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Folder name under GENERATION_MODELS_DIR = model id")
        parser.add_argument("--family", choices=["ltx", "wan"], default="ltx")
        parser.add_argument(
            "--preset",
            choices=["tiny", "small", "full"],
            default="tiny",
            help="small: CPU benchmark size; full: the real LTX-Video architecture with random "
            "weights (GPU benchmark). LTX only.",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--force", action="store_true", help="Rebuild if it exists")

    def handle(self, *args, name, family, preset, seed, force, **options):
        if "/" in name or name.startswith("."):
            raise CommandError("NAME must be a plain folder name.")
        path = Path(settings.GENERATION_MODELS_DIR) / name
        if (path / "model_index.json").exists() and not force:
            self.stdout.write(f"{path} already exists; use --force to rebuild.")
            return
        try:
            build_tiny_model(path, family=family, preset=preset, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {preset} {family} model to {path}"))
