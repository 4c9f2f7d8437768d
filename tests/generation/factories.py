import factory
from django.utils import timezone

from generation.models import GenerationJob
from tests.factories import TesterFactory


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenerationJob

    tester = factory.SubFactory(TesterFactory)
    model = "tiny-ltx"
    prompt = "a red cat"
    width = 64
    height = 64
    seconds = 1
    fps = 8
    num_frames = 9
    num_inference_steps = 2
    guidance_scale = 3.0
    seed = 7
    created_at = factory.LazyFunction(timezone.now)
