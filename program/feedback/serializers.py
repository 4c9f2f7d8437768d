"""Shapes for the feedback API. Artist shapes have no way to carry internal notes."""

from django.core.validators import RegexValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from atelier.api import StrictCharField
from atelier.markdown import render_markdown
from program.feedback.clocks import CLOCK_NAMES, CLOCK_STATUSES, feedback_clocks
from program.feedback.models import (
    SEVERITY_KINDS,
    Feedback,
    FeedbackAttachment,
    FeedbackComment,
    FeedbackEvent,
    FeedbackJob,
)

TEAM_NAME = "Atelier team"
# Text that is only whitespace is blank: the schema says so with a pattern, so fuzzers agree.
NOT_BLANK = RegexValidator(r"\S", message="Write something other than whitespace.")
MAX_ID = 2**63 - 1  # BigAutoField: a larger id is a 400, not a database overflow


class ClockSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=CLOCK_NAMES)
    label = serializers.CharField()
    due_at = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(
        choices=CLOCK_STATUSES,
        help_text="met, late (answered after due), due, overdue, stopped (closed for silence)",
    )
    business_days = serializers.FloatField(help_text="Business days elapsed so far or in all")


class FeedbackJobSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="job.public_id", help_text="The generation's video_… id")
    video_url = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackJob
        fields = ["id", "prompt", "seed", "model", "size", "video_url"]

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="Checked download: /v1/videos/{id}/content for the owner, a staff route "
            "for program staff",
        )
    )
    def get_video_url(self, link: FeedbackJob) -> str | None:
        from generation.templatetags.generation_tags import video_url_for

        job = link.job
        if job.deleted_at is not None or not job.video:
            return None
        request = self.context.get("request")
        return video_url_for(job, request.user if request else None)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Checked download: only the owner and program staff may open it"
    )

    class Meta:
        model = FeedbackAttachment
        fields = [
            "id",
            "kind",
            "content_type",
            "original_name",
            "size_bytes",
            "width",
            "height",
            "duration_seconds",
            "url",
            "created_at",
        ]

    def get_url(self, attachment: FeedbackAttachment) -> str:
        path = reverse("api-feedback-attachment-file", kwargs={"pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PNG, JPEG or WebP image, or a short MP4/WebM video")


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackComment
        fields = ["id", "author", "by_staff", "body", "body_html", "created_at"]

    def get_author(self, comment: FeedbackComment) -> str:
        return TEAM_NAME if comment.by_staff else "You"

    def get_body_html(self, comment: FeedbackComment) -> str:
        return render_markdown(comment.body)


class StaffCommentSerializer(CommentSerializer):
    class Meta(CommentSerializer.Meta):
        fields = [*CommentSerializer.Meta.fields, "internal"]

    def get_author(self, comment: FeedbackComment) -> str:
        return comment.author.get_full_name() or comment.author.email


class CommentInputSerializer(serializers.Serializer):
    body = StrictCharField(max_length=20000, validators=[NOT_BLANK], help_text="Markdown")


class EventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackEvent
        fields = ["from_state", "to_state", "note", "by", "created_at"]

    def get_by(self, event: FeedbackEvent) -> str:
        if event.actor_id is None:
            return "system"
        return "artist" if event.actor_id == event.feedback.tester.user_id else TEAM_NAME


class FeedbackListSerializer(serializers.ModelSerializer):
    clocks = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = [
            "id",
            "kind",
            "title",
            "severity",
            "state",
            "duplicate_of",
            "shipped_in_version",
            "created_at",
            "state_changed_at",
            "clocks",
        ]

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, feedback: Feedback) -> list:
        return ClockSerializer(feedback_clocks(feedback), many=True).data


class FeedbackSerializer(FeedbackListSerializer):
    body_html = serializers.SerializerMethodField()
    jobs = FeedbackJobSerializer(source="job_links", many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(FeedbackListSerializer.Meta):
        fields = [
            *FeedbackListSerializer.Meta.fields,
            "body",
            "body_html",
            "shipped_at",
            "jobs",
            "attachments",
            "events",
        ]

    def get_body_html(self, feedback: Feedback) -> str:
        return render_markdown(feedback.body)


class TesterRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class StaffFeedbackListSerializer(FeedbackListSerializer):
    tester = TesterRefSerializer(read_only=True)

    class Meta(FeedbackListSerializer.Meta):
        fields = [*FeedbackListSerializer.Meta.fields, "tester"]


class StaffFeedbackSerializer(FeedbackSerializer):
    tester = TesterRefSerializer(read_only=True)
    comments = StaffCommentSerializer(many=True, read_only=True)

    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "tester", "comments"]


class FeedbackCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Feedback.Kind.choices)
    title = StrictCharField(max_length=200, validators=[NOT_BLANK])
    body = StrictCharField(
        max_length=50000, validators=[NOT_BLANK], help_text="Markdown; rendered sanitised"
    )
    severity = serializers.ChoiceField(
        choices=Feedback.Severity.choices,
        required=False,
        allow_blank=True,
        help_text="Required for bug and safety, refused for other kinds; see /feedback/severity/",
    )
    jobs = serializers.ListField(
        child=StrictCharField(max_length=40),
        required=False,
        default=list,
        max_length=20,
        help_text="Your own generation ids (video_…); prompt, seed and output are attached",
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="Multipart only"
    )

    def validate(self, attrs):
        severity = attrs.get("severity", "")
        if attrs["kind"] in SEVERITY_KINDS and not severity:
            raise serializers.ValidationError(
                {"severity": "Bugs and safety reports need a severity (P1 to P4)."}
            )
        if attrs["kind"] not in SEVERITY_KINDS and severity:
            raise serializers.ValidationError(
                {"severity": "Severity applies to bugs and safety reports only."}
            )
        return attrs


class FeedbackQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Feedback.State.choices, required=False)


class StaffQueueQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("open", "Open (any not closed)"), *Feedback.State.choices], required=False
    )
    kind = serializers.ChoiceField(choices=Feedback.Kind.choices, required=False)
    severity = serializers.ChoiceField(choices=Feedback.Severity.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class TransitionInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Feedback.State.choices)
    note = StrictCharField(
        required=False, allow_blank=True, default="", help_text="Shown to the artist"
    )
    duplicate_of = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )


class BulkInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    state = serializers.ChoiceField(
        choices=[
            Feedback.State.TRIAGED,
            Feedback.State.NEEDS_INFO,
            Feedback.State.INFORMATIVE,
            Feedback.State.NOT_APPLICABLE,
        ]
    )
    note = StrictCharField(required=False, allow_blank=True, default="")


class BulkResultSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.IntegerField())
    errors = serializers.DictField(child=serializers.CharField())


class ShipInputSerializer(serializers.Serializer):
    version = StrictCharField(max_length=80, validators=[NOT_BLANK])


class SeverityLevelSerializer(serializers.Serializer):
    level = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    examples = serializers.CharField()
