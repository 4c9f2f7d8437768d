"""Shapes of the /v1/ API, matching OpenAI's Videos API field for field; extras are added."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from atelier.api import StrictCharField
from generation.models import GenerationJob
from generation.services import MAX_PROMPT_CHARS

# Some visible character: a blank prompt is refused, and the schema says so.
PROMPT_PATTERN = r"\S"


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}]})
class NumberOrTextField(serializers.CharField):
    """A number sent as JSON number (the SDK's extra_body) or as text (forms, `seconds="4"`)."""


class PromptField(serializers.RegexField):
    """Text with a visible character; a number or a boolean is refused, as the schema says."""

    def __init__(self, **kwargs):
        super().__init__(PROMPT_PATTERN, max_length=MAX_PROMPT_CHARS, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class VideoCreateSerializer(serializers.Serializer):
    """Numbers arrive as text from multipart forms; the service checks and converts them."""

    prompt = PromptField(help_text="Not blank; up to 2,000 characters.")
    model = StrictCharField(required=False, allow_blank=True, allow_null=True)
    seconds = NumberOrTextField(required=False, allow_blank=True, allow_null=True)
    size = StrictCharField(required=False, allow_blank=True, allow_null=True)
    seed = NumberOrTextField(required=False, allow_blank=True, allow_null=True)
    negative_prompt = StrictCharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False
    )
    num_inference_steps = NumberOrTextField(required=False, allow_blank=True, allow_null=True)
    guidance_scale = NumberOrTextField(required=False, allow_blank=True, allow_null=True)
    fps = NumberOrTextField(required=False, allow_blank=True, allow_null=True)


class VideoRemixSerializer(serializers.Serializer):
    prompt = PromptField(help_text="Not blank; up to 2,000 characters.")


class VideoListQuerySerializer(serializers.Serializer):
    """`GET /v1/videos` query: what the schema declares is exactly what is checked."""

    after = serializers.CharField(
        required=False, allow_blank=True, help_text="Id of the last video of the previous page"
    )
    limit = serializers.IntegerField(
        required=False, default=20, min_value=1, max_value=100, help_text="1 to 100, default 20"
    )
    order = serializers.ChoiceField(
        choices=["asc", "desc"], required=False, default="desc", help_text="By creation time"
    )


class VideoErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class VideoSerializer(serializers.Serializer):
    # OpenAI's fields
    id = serializers.CharField()
    object = serializers.CharField(default="video")
    model = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "in_progress", "completed", "failed"])
    progress = serializers.IntegerField()
    created_at = serializers.IntegerField()
    completed_at = serializers.IntegerField(allow_null=True)
    expires_at = serializers.IntegerField(allow_null=True)
    error = VideoErrorSerializer(allow_null=True)
    prompt = serializers.CharField()
    seconds = serializers.CharField()
    size = serializers.CharField()
    remixed_from_video_id = serializers.CharField(allow_null=True)
    # Atelier's extras
    atelier_status = serializers.ChoiceField(choices=GenerationJob.Status.choices)
    negative_prompt = serializers.CharField()
    fps = serializers.IntegerField()
    num_frames = serializers.IntegerField()
    num_inference_steps = serializers.IntegerField()
    guidance_scale = serializers.FloatField()
    seed = serializers.IntegerField()
    started_at = serializers.IntegerField(allow_null=True)
    queue_position = serializers.IntegerField(allow_null=True)
    estimated_start_at = serializers.IntegerField(allow_null=True)
    gpu_seconds = serializers.FloatField()
    output_is_noise = serializers.BooleanField()


class VideoListSerializer(serializers.Serializer):
    object = serializers.CharField(default="list")
    data = VideoSerializer(many=True)
    first_id = serializers.CharField(allow_null=True)
    last_id = serializers.CharField(allow_null=True)
    has_more = serializers.BooleanField()


class VideoDeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="video.deleted")
    deleted = serializers.BooleanField()


class ModelInfoSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="model")
    created = serializers.IntegerField()
    owned_by = serializers.CharField()
    description = serializers.CharField()
    family = serializers.CharField()
    pipeline_class = serializers.CharField()
    size_multiple = serializers.IntegerField()
    frame_rule = serializers.CharField()
    fps = serializers.IntegerField()
    max_frames = serializers.IntegerField()
    max_seconds = serializers.CharField()
    max_width = serializers.IntegerField()
    max_height = serializers.IntegerField()
    default_size = serializers.CharField()
    default_seconds = serializers.CharField()
    default_steps = serializers.IntegerField()
    default_guidance = serializers.FloatField()
    max_steps = serializers.IntegerField()
    max_guidance = serializers.FloatField()
    output_is_noise = serializers.BooleanField()


class ModelListSerializer(serializers.Serializer):
    object = serializers.CharField(default="list")
    data = ModelInfoSerializer(many=True)
