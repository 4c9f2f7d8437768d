"""Shapes for the films API. Curator-facing serializers carry no artist identity by design."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program.films.models import (
    Assignment,
    Criterion,
    Decision,
    Film,
    FilmProvenance,
    License,
    LicenseUse,
    Round,
    Screening,
    ScreeningFilm,
)
from program.films.selectors import film_released_decision

# --- Shared pieces ----------------------------------------------------------------------------


class ProvenanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FilmProvenance
        fields = ["position", "job_public_id", "model", "prompt", "seed", "seconds", "size"]


class RoundBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "name", "status", "notify_at"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "scale_min", "scale_max", "position"]
        read_only_fields = ["id", "position"]


class MediaUrlsMixin(serializers.Serializer):
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()

    def get_video_url(self, film) -> str:
        return reverse("films-media", args=[film.pk, "video"])

    def get_poster_url(self, film) -> str:
        return reverse("films-media", args=[film.pk, "poster"])


# --- Artists ----------------------------------------------------------------------------------


class FilmSerializer(MediaUrlsMixin, serializers.ModelSerializer):
    """The artist's own film. The decision appears only once the round is released."""

    round = RoundBriefSerializer(read_only=True)
    provenance = ProvenanceSerializer(many=True, read_only=True)
    decision_note = serializers.SerializerMethodField()

    class Meta:
        model = Film
        fields = [
            "id",
            "title",
            "description",
            "credits",
            "source",
            "status",
            "round",
            "codec",
            "width",
            "height",
            "duration_ms",
            "size_bytes",
            "video_url",
            "poster_url",
            "credit_line",
            "credit_line_proposed",
            "credit_line_approved_at",
            "provenance",
            "decision_note",
            "created_at",
            "submitted_at",
            "status_changed_at",
        ]
        read_only_fields = fields

    def get_decision_note(self, film) -> str | None:
        decision = film_released_decision(film)
        return decision.note if decision is not None else None


class FilmUploadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    credits = serializers.CharField(required=False, allow_blank=True, default="")
    video = serializers.FileField(help_text="An MP4 (H.264, HEVC, AV1 or VP9)")
    submit = serializers.BooleanField(required=False, default=False)


class FilmAssembleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    credits = serializers.CharField(required=False, allow_blank=True, default="")
    jobs = serializers.ListField(
        child=serializers.CharField(max_length=40),
        min_length=1,
        help_text="Your completed generation ids (video_…), in order",
    )
    submit = serializers.BooleanField(required=False, default=False)


class FilmUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    credits = serializers.CharField(required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CreditLineSerializer(serializers.Serializer):
    credit_line = serializers.CharField(max_length=300)


class SharedScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    value = serializers.IntegerField()
    scale_min = serializers.IntegerField()
    scale_max = serializers.IntegerField()


class SharedReviewSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    scores = SharedScoreSerializer(many=True)
    feedback = serializers.CharField()


class LicenseSerializer(serializers.ModelSerializer):
    film_title = serializers.CharField(source="film.title", read_only=True)

    class Meta:
        model = License
        fields = [
            "id",
            "film",
            "film_title",
            "use",
            "channels",
            "starts_on",
            "ends_on",
            "fee_minor",
            "currency",
            "terms",
            "status",
            "requested_at",
            "responded_at",
            "decline_reason",
            "accepted_terms",
            "accepted_terms_sha256",
            "withdrawn_at",
            "withdraw_reason",
        ]
        read_only_fields = fields


# --- Curators (blind) -------------------------------------------------------------------------


class BlindProvenanceSerializer(serializers.Serializer):
    model = serializers.CharField()
    prompt = serializers.CharField()
    seed = serializers.IntegerField()
    seconds = serializers.DecimalField(max_digits=6, decimal_places=2)


class BlindFilmSerializer(serializers.Serializer):
    """A film as a curator sees it: no artist name, email or id; credits only after scoring."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    duration_seconds = serializers.FloatField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    codec = serializers.CharField()
    source = serializers.CharField()
    video_url = serializers.CharField()
    poster_url = serializers.CharField()
    provenance = BlindProvenanceSerializer(many=True)
    credits = serializers.CharField(allow_null=True)


class OtherReviewSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    scores = serializers.DictField(child=serializers.IntegerField())
    feedback = serializers.CharField()


class CuratorAssignmentListSerializer(serializers.ModelSerializer):
    round = RoundBriefSerializer(read_only=True)
    film_title = serializers.CharField(source="film.title", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "round", "film_title", "status", "created_at", "submitted_at"]
        read_only_fields = fields


class CuratorAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Assignment.Status.choices)
    round = RoundBriefSerializer()
    film = BlindFilmSerializer()
    criteria = CriterionSerializer(many=True)
    my_scores = serializers.DictField(child=serializers.IntegerField())
    feedback = serializers.CharField()
    private_note = serializers.CharField()
    share_with_artist = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    other_reviews = OtherReviewSerializer(
        many=True, allow_null=True, help_text="null until you submit your own review"
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Defence in depth: whatever the caller passed, nothing is revealed before submitting.
        if data["status"] != Assignment.Status.SUBMITTED:
            data["other_reviews"] = None
            data["film"]["credits"] = None
        return data


class ReviewSubmitSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.IntegerField(), help_text="{criterion id: score}"
    )
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    private_note = serializers.CharField(required=False, allow_blank=True, default="")
    share_with_artist = serializers.BooleanField(required=False, default=True)


class ConflictSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ConflictResultSerializer(serializers.Serializer):
    recused = serializers.BooleanField()
    replaced = serializers.BooleanField()


# --- Results ----------------------------------------------------------------------------------


class ReviewTotalSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    total = serializers.FloatField()
    outlier = serializers.BooleanField()


class FilmResultSerializer(serializers.Serializer):
    film_id = serializers.IntegerField(source="film.pk")
    film_title = serializers.CharField(source="film.title")
    status = serializers.CharField(source="film.status")
    required = serializers.IntegerField()
    reviews = serializers.IntegerField()
    recused = serializers.IntegerField()
    pending = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True)
    stdev = serializers.FloatField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    totals = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    @extend_schema_field(ReviewTotalSerializer(many=True))
    def get_totals(self, result) -> list:
        named = self.context.get("show_reviewers", False)
        return [
            {
                "reviewer": assignment.curator.email if named else f"Reviewer {index}",
                "total": total,
                "outlier": outlier,
            }
            for index, (assignment, total, outlier) in enumerate(result.totals, start=1)
        ]

    def get_decision(self, result) -> str | None:
        if not self.context.get("show_decisions", False) or result.decision is None:
            return None
        return result.decision.outcome


# --- Staff ------------------------------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "description",
            "status",
            "reviewers_per_film",
            "notify_at",
            "released_at",
            "criteria",
            "created_at",
        ]
        read_only_fields = ["id", "status", "released_at", "criteria", "created_at"]


class RoundUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    reviewers_per_film = serializers.IntegerField(required=False)
    notify_at = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(
        choices=[Round.Status.OPEN, Round.Status.REVIEWING], required=False
    )


class StaffFilmSerializer(MediaUrlsMixin, serializers.ModelSerializer):
    artist = serializers.CharField(source="tester.display_name", read_only=True)
    artist_email = serializers.EmailField(source="tester.user.email", read_only=True)
    round = RoundBriefSerializer(read_only=True)

    class Meta:
        model = Film
        fields = [
            "id",
            "title",
            "artist",
            "artist_email",
            "status",
            "source",
            "round",
            "duration_ms",
            "credit_line",
            "credit_line_proposed",
            "video_url",
            "poster_url",
            "created_at",
        ]
        read_only_fields = fields


class StaffAssignmentSerializer(serializers.ModelSerializer):
    film_title = serializers.CharField(source="film.title", read_only=True)
    curator_email = serializers.EmailField(source="curator.email", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "film",
            "film_title",
            "curator",
            "curator_email",
            "status",
            "created_at",
            "submitted_at",
            "conflict_reason",
        ]
        read_only_fields = fields


class AssignmentCreateSerializer(serializers.Serializer):
    film = serializers.IntegerField()
    curator = serializers.IntegerField()


class AutoAssignSerializer(serializers.Serializer):
    curators = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Curator user ids; every curator when left out",
    )
    every_film = serializers.BooleanField(
        required=False, default=False, help_text="Assign each curator to every film"
    )


class AutoAssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "film", "outcome", "note", "decided_at", "released_at"]
        read_only_fields = ["id", "decided_at", "released_at"]


class ScreeningFilmSerializer(serializers.ModelSerializer):
    film_title = serializers.CharField(source="film.title", read_only=True)

    class Meta:
        model = ScreeningFilm
        fields = ["id", "film", "film_title", "license", "credit_line", "position"]
        read_only_fields = fields


def currency_field(**kwargs) -> serializers.RegexField:
    """ISO 4217 code in capitals; the pattern is in the schema so clients can check it first."""
    return serializers.RegexField(r"^[A-Z]{3}$", min_length=3, max_length=3, **kwargs)


class ScreeningSerializer(serializers.ModelSerializer):
    entries = ScreeningFilmSerializer(many=True, read_only=True)
    currency = currency_field(required=False, default="USD")

    class Meta:
        model = Screening
        fields = [
            "id",
            "title",
            "description",
            "starts_at",
            "place",
            "link",
            "fee_minor",
            "currency",
            "status",
            "confirmed_at",
            "entries",
        ]
        read_only_fields = ["id", "status", "confirmed_at", "entries"]


class ScreeningAddFilmSerializer(serializers.Serializer):
    film = serializers.IntegerField()


class StaffLicenseSerializer(LicenseSerializer):
    artist = serializers.CharField(source="film.tester.display_name", read_only=True)

    class Meta(LicenseSerializer.Meta):
        fields = [*LicenseSerializer.Meta.fields, "artist", "accepted_ip"]
        read_only_fields = fields


class LicenseRequestSerializer(serializers.Serializer):
    film = serializers.IntegerField()
    use = serializers.ChoiceField(choices=License.Use.choices)
    channels = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    fee_minor = serializers.IntegerField(min_value=0, help_text="Integer minor units")
    currency = currency_field()
    terms = serializers.CharField(required=False, allow_blank=True, default="")


class LicenseUseSerializer(serializers.ModelSerializer):
    film_title = serializers.CharField(source="license.film.title", read_only=True)

    class Meta:
        model = LicenseUse
        fields = ["id", "license", "film_title", "channel", "used_on", "description", "created_at"]
        read_only_fields = fields


class LicenseUseCreateSerializer(serializers.Serializer):
    channel = serializers.CharField(max_length=100)
    used_on = serializers.DateField()
    description = serializers.CharField(max_length=300)


class PublicFilmSerializer(MediaUrlsMixin, serializers.ModelSerializer):
    class Meta:
        model = Film
        fields = ["id", "title", "description", "credit_line", "video_url", "poster_url"]
        read_only_fields = fields
