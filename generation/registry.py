"""Which models the platform can run, read from local diffusers folders.

Each folder under GENERATION_MODELS_DIR was written by `save_pretrained`. Its `model_index.json`
names the pipeline class; the class picks a *family*, and the family reads the VAE and
transformer configs to work out what the model accepts (size multiple, frame rule).
Nothing here imports torch, so the web process stays light.

Adding a family is one entry in FAMILIES: the pipeline class name, its frame rate and
limits, and a function `(folder) -> (size_multiple, frame_multiple)` that reads the configs.
An optional `atelier.json` in a model folder overrides limits and defaults for that model
(build_tiny_model writes one).
"""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _ltx_factors(folder: Path) -> tuple[int, int]:
    vae = _read_json(folder / "vae" / "config.json")
    transformer = _read_json(folder / "transformer" / "config.json")
    scaling = vae.get("spatio_temporal_scaling", [True, True, True, False])
    spatial = vae.get("spatial_compression_ratio") or vae.get("patch_size", 4) * 2 ** sum(scaling)
    temporal = vae.get("temporal_compression_ratio") or vae.get("patch_size_t", 1) * 2 ** sum(
        scaling
    )
    return spatial * transformer.get("patch_size", 1), temporal * transformer.get("patch_size_t", 1)


def _wan_factors(folder: Path) -> tuple[int, int]:
    vae = _read_json(folder / "vae" / "config.json")
    transformer = _read_json(folder / "transformer" / "config.json")
    spatial = vae.get("scale_factor_spatial", 8)
    temporal = vae.get("scale_factor_temporal", 4)
    patch = transformer.get("patch_size", [1, 2, 2])
    return spatial * patch[1], temporal * patch[0]


@dataclass(frozen=True)
class Family:
    """What a pipeline class needs to know to accept or refuse a request."""

    name: str
    pipeline_class: str
    label: str
    factors: Callable[[Path], tuple[int, int]]
    fps: int
    max_frames: int
    max_width: int
    max_height: int
    default_size: str
    default_seconds: int
    default_steps: int
    default_guidance: float
    call_options: dict = field(default_factory=dict)


FAMILIES: dict[str, Family] = {
    family.pipeline_class: family
    for family in (
        Family(
            name="ltx",
            pipeline_class="LTXPipeline",
            label="LTX-Video",
            factors=_ltx_factors,
            fps=24,
            max_frames=257,
            max_width=1280,
            max_height=1280,
            default_size="768x512",
            default_seconds=5,
            default_steps=40,
            default_guidance=3.0,
            call_options={"max_sequence_length": 128},
        ),
        Family(
            name="wan",
            pipeline_class="WanPipeline",
            label="Wan 2.1",
            factors=_wan_factors,
            fps=16,
            max_frames=81,
            max_width=1280,
            max_height=1280,
            default_size="832x480",
            default_seconds=5,
            default_steps=30,
            default_guidance=5.0,
            call_options={"max_sequence_length": 128},
        ),
    )
}
FAMILY_BY_NAME = {family.name: family for family in FAMILIES.values()}


@dataclass(frozen=True)
class ModelSpec:
    """One usable model and the limits derived for it."""

    name: str
    path: Path
    family: Family
    size_multiple: int
    frame_multiple: int
    fps: int
    max_frames: int
    max_width: int
    max_height: int
    default_size: str
    default_seconds: Decimal
    default_steps: int
    default_guidance: float
    output_is_noise: bool = False
    description: str = ""

    @property
    def max_seconds(self) -> Decimal:
        return (Decimal(self.max_frames) / Decimal(self.fps)).quantize(Decimal("0.01"))

    def frames_for(self, seconds: Decimal, fps: int) -> int:
        """The smallest valid frame count (k * multiple + 1) covering `seconds` at `fps`."""
        wanted = max(1, math.ceil(seconds * fps))
        steps = max(1, math.ceil((wanted - 1) / self.frame_multiple))
        return steps * self.frame_multiple + 1

    def size_error(self, width: int, height: int) -> str | None:
        if width % self.size_multiple or height % self.size_multiple:
            return f"Width and height must be multiples of {self.size_multiple} for {self.name}."
        if width > self.max_width or height > self.max_height:
            return f"{self.name} makes at most {self.max_width}x{self.max_height}."
        return None

    def limits(self) -> dict:
        return {
            "family": self.family.name,
            "pipeline_class": self.family.pipeline_class,
            "size_multiple": self.size_multiple,
            "frame_rule": f"{self.frame_multiple}k+1",
            "fps": self.fps,
            "max_frames": self.max_frames,
            "max_seconds": str(self.max_seconds.normalize()),
            "max_width": self.max_width,
            "max_height": self.max_height,
            "default_size": self.default_size,
            "default_seconds": str(self.default_seconds),
            "default_steps": self.default_steps,
            "default_guidance": self.default_guidance,
            "max_steps": settings.GENERATION_MAX_STEPS,
            "max_guidance": settings.GENERATION_MAX_GUIDANCE,
            "output_is_noise": self.output_is_noise,
        }


def _spec_for(folder: Path) -> ModelSpec | None:
    index = _read_json(folder / "model_index.json")
    family = FAMILIES.get(index.get("_class_name", ""))
    if family is None:
        return None
    size_multiple, frame_multiple = family.factors(folder)
    overrides = _read_json(folder / "atelier.json")
    fps = int(overrides.get("fps", family.fps))
    return ModelSpec(
        name=folder.name,
        path=folder,
        family=family,
        size_multiple=size_multiple,
        frame_multiple=frame_multiple,
        fps=fps,
        max_frames=int(overrides.get("max_frames", family.max_frames)),
        max_width=int(overrides.get("max_width", family.max_width)),
        max_height=int(overrides.get("max_height", family.max_height)),
        default_size=overrides.get("default_size", family.default_size),
        default_seconds=Decimal(str(overrides.get("default_seconds", family.default_seconds))),
        default_steps=int(overrides.get("default_steps", family.default_steps)),
        default_guidance=float(overrides.get("default_guidance", family.default_guidance)),
        output_is_noise=bool(overrides.get("output_is_noise", False)),
        description=overrides.get("description", family.label),
    )


_cache: dict[str, tuple[float, dict[str, ModelSpec]]] = {}


def _models_dir() -> Path:
    return Path(settings.GENERATION_MODELS_DIR)


def model_specs() -> dict[str, ModelSpec]:
    """All usable models by name; re-read when the models folder changes."""
    root = _models_dir()
    try:
        stamp = max(
            [root.stat().st_mtime] + [p.stat().st_mtime for p in root.glob("*/model_index.json")]
        )
    except OSError:
        return {}
    cached = _cache.get(str(root))
    if cached and cached[0] == stamp:
        return cached[1]
    specs = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        spec = _spec_for(folder)
        if spec is not None:
            specs[spec.name] = spec
    _cache[str(root)] = (stamp, specs)
    return specs


def model_get(name: str) -> ModelSpec | None:
    return model_specs().get(name)


def model_default() -> ModelSpec | None:
    specs = model_specs()
    if settings.GENERATION_DEFAULT_MODEL in specs:
        return specs[settings.GENERATION_DEFAULT_MODEL]
    real = [spec for spec in specs.values() if not spec.output_is_noise]
    return (real or list(specs.values()) or [None])[0]
