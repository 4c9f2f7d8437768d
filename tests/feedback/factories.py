import io
from decimal import Decimal

import av
import factory
import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from generation.models import GenerationJob


class GenerationJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenerationJob

    model = "atelier-video-1"
    prompt = factory.Sequence(lambda n: f"A lighthouse at dusk, take {n}")
    width = 832
    height = 480
    seconds = Decimal("4.00")
    fps = 16
    num_frames = 65
    num_inference_steps = 30
    guidance_scale = 5.0
    seed = factory.Sequence(lambda n: 1000 + n)
    status = GenerationJob.Status.COMPLETED


def png_bytes(size=(64, 48), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_upload(name="shot.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def mp4_bytes(*, seconds: float = 1.0, fps: int = 8, size=(64, 48)) -> bytes:
    """A real H.264 MP4 encoded with PyAV."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index in range(int(seconds * fps)):
            pixels = np.full((size[1], size[0], 3), (index * 20) % 255, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def mp4_upload(name="clip.mp4", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, mp4_bytes(**kwargs), content_type="video/mp4")
