"""Demo: make sure a model exists so artists can generate at once (the demo worker runs gpu)."""

from pathlib import Path

from django.conf import settings

from generation.tiny import build_tiny_model

DEMO_MODEL = "tiny-ltx"


def seed(context) -> None:
    path = Path(settings.GENERATION_MODELS_DIR) / DEMO_MODEL
    if not (path / "model_index.json").exists():
        build_tiny_model(path, family="ltx")
