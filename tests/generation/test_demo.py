from pathlib import Path

from generation import demo
from generation.registry import model_specs


def test_demo_builds_the_tiny_model_when_missing(tmp_path, settings):
    settings.GENERATION_MODELS_DIR = tmp_path
    demo.seed(context=None)
    assert (Path(tmp_path) / "tiny-ltx" / "model_index.json").exists()
    assert model_specs()["tiny-ltx"].output_is_noise
    demo.seed(context=None)  # idempotent
