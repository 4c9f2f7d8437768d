"""Randomly initialised models built entirely in code, for tests, the demo and the benchmark.

Nothing is downloaded: the tokenizer is a small Unigram vocabulary from the `tokenizers`
library wrapped in the transformers T5 tokenizer class, and every network is built from a
config. The output of such a model is noise; `atelier.json` says so and the UI shows it.

Presets:
- tiny: a few hundred kilobytes (diffusers' own fast-test sizes); a job takes well under a second.
- small (LTX only): the tiny VAE with a wider, deeper transformer (8 layers of 512), so that
  denoising dominates the run time as it does in real models; the CPU benchmark uses it.
- full (LTX only): the real LTX-Video transformer and VAE architecture with random weights and
  a small text encoder of the same width; used by the benchmark on a GPU, where speed does not
  depend on the weight values.
"""

import json
import string
from pathlib import Path

WORDS = [
    "a",
    "an",
    "the",
    "of",
    "and",
    "in",
    "on",
    "with",
    "at",
    "cat",
    "dog",
    "bird",
    "fish",
    "horse",
    "sea",
    "sky",
    "sun",
    "moon",
    "city",
    "night",
    "day",
    "street",
    "forest",
    "river",
    "mountain",
    "red",
    "blue",
    "green",
    "gold",
    "white",
    "black",
    "light",
    "dark",
    "slow",
    "fast",
    "dance",
    "run",
    "fly",
    "walk",
    "camera",
    "close",
    "wide",
    "shot",
    "film",
    "scene",
    "portrait",
]


def build_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import T5TokenizerFast

    pieces = ["<pad>", "</s>", "<unk>", "▁"]
    pieces += [f"▁{word}" for word in WORDS]
    pieces += list(string.ascii_lowercase + string.digits + string.punctuation)
    vocab = [(piece, -1.0 - index / 100) for index, piece in enumerate(pieces)]
    backend = Tokenizer(models.Unigram(vocab, unk_id=2, byte_fallback=False))
    backend.pre_tokenizer = pre_tokenizers.Metaspace()
    backend.decoder = decoders.Metaspace()
    backend.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    tokenizer = T5TokenizerFast(
        tokenizer_object=backend,
        pad_token="<pad>",  # noqa: S106 - tokenizer vocabulary, not a secret
        eos_token="</s>",  # noqa: S106
        unk_token="<unk>",  # noqa: S106
        extra_ids=0,
    )
    tokenizer.model_max_length = 512
    return tokenizer, len(pieces)


def _text_encoder(*, vocab_size: int, width: int, umt5: bool, full: bool):
    """One T5 layer of the transformer's caption width (large only for the full preset)."""
    if umt5:
        from transformers import UMT5Config as Config
        from transformers import UMT5EncoderModel as Encoder
    else:
        from transformers import T5Config as Config
        from transformers import T5EncoderModel as Encoder
    heads = 64 if full else 4
    config = Config(
        vocab_size=vocab_size,
        d_model=width,
        d_kv=width // heads,
        d_ff=width * 2 if full else 37,
        num_layers=1,
        num_heads=heads,
        relative_attention_num_buckets=8,
    )
    return Encoder(config)


def _ltx(preset: str, vocab_size: int):
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXVideoTransformer3DModel,
    )

    if preset == "full":
        transformer = LTXVideoTransformer3DModel()  # the LTX-Video 0.9 architecture
        vae = AutoencoderKLLTXVideo()
        text_encoder = _text_encoder(vocab_size=vocab_size, width=4096, umt5=False, full=True)
    else:
        small = preset == "small"
        width = 512 if small else 32
        transformer = LTXVideoTransformer3DModel(
            in_channels=8,
            out_channels=8,
            patch_size=1,
            patch_size_t=1,
            num_attention_heads=8 if small else 4,
            attention_head_dim=64 if small else 8,
            cross_attention_dim=width,
            num_layers=8 if small else 1,
            caption_channels=width,
        )
        # Same compression as the real VAE (32 in space, 8 in time) with 8 channels per block.
        vae = AutoencoderKLLTXVideo(
            latent_channels=8,
            block_out_channels=(8, 8, 8, 8),
            decoder_block_out_channels=(8, 8, 8, 8),
            spatio_temporal_scaling=(True, True, True, False),
            decoder_spatio_temporal_scaling=(True, True, True, False),
            decoder_inject_noise=(False, False, False, False, False),
            upsample_residual=(False, False, False, False),
            upsample_factor=(1, 1, 1, 1),
            layers_per_block=(1, 1, 1, 1, 1),
            decoder_layers_per_block=(1, 1, 1, 1, 1),
            patch_size=4,
            patch_size_t=1,
            timestep_conditioning=False,
        )
        text_encoder = _text_encoder(vocab_size=vocab_size, width=width, umt5=False, full=False)
    scheduler = FlowMatchEulerDiscreteScheduler()
    return "LTXPipeline", {
        "transformer": transformer,
        "vae": vae,
        "scheduler": scheduler,
        "text_encoder": text_encoder,
    }


def _wan(preset: str, vocab_size: int):
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanTransformer3DModel

    if preset != "tiny":
        raise ValueError(f"The {preset} preset exists for the LTX family only.")
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )  # fmt: skip
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=1,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    text_encoder = _text_encoder(vocab_size=vocab_size, width=32, umt5=True, full=False)
    return "WanPipeline", {
        "transformer": transformer,
        "vae": vae,
        "scheduler": FlowMatchEulerDiscreteScheduler(shift=7.0),
        "text_encoder": text_encoder,
    }


TINY_LIMITS = {
    "ltx": {"fps": 8, "max_frames": 33, "max_width": 256, "max_height": 256,
            "default_size": "64x64", "default_seconds": 1, "default_steps": 2},
    "wan": {"fps": 8, "max_frames": 33, "max_width": 128, "max_height": 128,
            "default_size": "32x32", "default_seconds": 1, "default_steps": 2},
}  # fmt: skip


PRESETS = ("tiny", "small", "full")


def build_tiny_model(path: Path, *, family: str, preset: str = "tiny", seed: int = 0) -> Path:
    """Write a random model of `family` ("ltx" or "wan") to `path` with save_pretrained."""
    import diffusers
    import torch

    builders = {"ltx": _ltx, "wan": _wan}
    if family not in builders:
        raise ValueError(f"Unknown family {family!r}; choose from {sorted(builders)}.")
    torch.manual_seed(seed)
    tokenizer, vocab_size = build_tokenizer()
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; choose from {PRESETS}.")
    pipeline_class, components = builders[family](preset, vocab_size)
    pipe = getattr(diffusers, pipeline_class)(tokenizer=tokenizer, **components)
    if preset == "full":
        pipe.to(torch.bfloat16)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    pipe.save_pretrained(path)
    overrides = {
        "output_is_noise": True,
        "description": f"Random {preset} {family.upper()} model built in code: its output is noise.",
    }
    if preset == "tiny":
        overrides.update(TINY_LIMITS[family])
    (path / "atelier.json").write_text(json.dumps(overrides, indent=2))
    return path
