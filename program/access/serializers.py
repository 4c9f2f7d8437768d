from django.core.validators import RegexValidator
from rest_framework import serializers

from program.access.models import (
    AccessToken,
    AuditEvent,
    ProgramPause,
    ProgramSecurity,
    Scope,
    SecurityFlag,
    TokenQuarantine,
)


class OwnQuarantineSerializer(serializers.ModelSerializer):
    class Meta:
        model = TokenQuarantine
        fields = ["id", "rule", "evidence", "created_at", "released_at", "release_reason"]


class TokenSerializer(serializers.ModelSerializer):
    quarantines = OwnQuarantineSerializer(many=True, read_only=True)

    class Meta:
        model = AccessToken
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "revoked_at",
            "revoked_reason",
            "quarantines",
        ]


class IssuedTokenSerializer(serializers.Serializer):
    token = TokenSerializer()
    secret = serializers.CharField(help_text="The full token. Shown only in this response.")


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=366, required=False, help_text="Default 30; capped at program end"
    )


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    subject_tester = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "actor",
            "ip_address",
            "target_type",
            "target_id",
            "target_label",
            "subject_tester",
            "reason",
            "data",
        ]

    def get_actor(self, event) -> str:
        return event.actor.email if event.actor_id else event.actor_label


class OwnAuditEventSerializer(AuditEventSerializer):
    """What an artist sees about themselves: staff are 'Atelier staff', their IPs hidden."""

    def to_representation(self, event):
        data = super().to_representation(event)
        own = event.actor_id is not None and event.actor_id == self.context["user"].pk
        if not own:
            data["ip_address"] = None
            if event.actor_id:
                data["actor"] = "Atelier staff"
        return data


class StaffTokenSerializer(serializers.ModelSerializer):
    tester_id = serializers.IntegerField(read_only=True)
    tester_name = serializers.CharField(source="tester.display_name", read_only=True)
    tester_email = serializers.EmailField(source="tester.user.email", read_only=True)

    class Meta:
        model = AccessToken
        fields = ["id", "name", "prefix", "status", "tester_id", "tester_name", "tester_email"]


class QuarantineSerializer(serializers.ModelSerializer):
    token = StaffTokenSerializer(read_only=True)
    released_by = serializers.EmailField(
        source="released_by.email", read_only=True, allow_null=True
    )

    class Meta:
        model = TokenQuarantine
        fields = [
            "id",
            "token",
            "rule",
            "evidence",
            "created_at",
            "released_at",
            "released_by",
            "release_reason",
        ]


class FlagSerializer(serializers.ModelSerializer):
    token = StaffTokenSerializer(read_only=True)
    resolved_by = serializers.EmailField(
        source="resolved_by.email", read_only=True, allow_null=True
    )

    class Meta:
        model = SecurityFlag
        fields = [
            "id",
            "token",
            "kind",
            "evidence",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]


class ReleaseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000)


# A host, `*.host` or a full origin; the service reduces each to its host.
HOST_PATTERN = r"^(https?://)?((\*\.)?([A-Za-z0-9-]+\.)+[A-Za-z0-9-]+|localhost)(:[0-9]{1,5})?/?$"


class ProgramSecuritySerializer(serializers.ModelSerializer):
    origin_allowlist = serializers.ListField(
        child=serializers.CharField(
            max_length=200,
            validators=[
                RegexValidator(
                    HOST_PATTERN,
                    message="Use a host name such as studio.example.org or *.example.org.",
                    code="invalid_host",
                )
            ],
        ),
        required=False,
        help_text="Host names (an origin such as https://x.example:8443 is reduced to its host)",
    )

    class Meta:
        model = ProgramSecurity
        fields = [
            "origin_allowlist",
            "quarantine_on_origin",
            "spread_max_networks",
            "spread_window_minutes",
            "spike_factor",
            "spike_min_per_minute",
            "requests_per_minute_per_token",
            "requests_per_minute_per_tester",
            "max_concurrent_jobs_per_tester",
            "max_concurrent_jobs_per_token",
            "gpu_seconds_per_day_per_tester",
            "gpu_seconds_per_day_per_token",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        extra_kwargs = {
            name: {"min_value": 1, "max_value": 10_000_000}
            for name in fields
            if name not in ("origin_allowlist", "quarantine_on_origin", "updated_at")
        }


class PauseSerializer(serializers.ModelSerializer):
    started_by = serializers.EmailField(source="started_by.email", read_only=True, allow_null=True)
    ended_by = serializers.EmailField(source="ended_by.email", read_only=True, allow_null=True)

    class Meta:
        model = ProgramPause
        fields = ["id", "started_at", "ended_at", "reason", "started_by", "ended_by"]


class PauseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Shown to every artist")


class ResumeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, default="")


class TokenReportItemSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField(help_text="Where the token was found")
    source = serializers.CharField(required=False, help_text="e.g. 'github', 'paste'")


class TokenReportResultItemSerializer(serializers.Serializer):
    token_prefix = serializers.CharField()
    url = serializers.CharField()
    result = serializers.ChoiceField(choices=["revoked", "unknown", "already_inactive"])


class TokenReportResultSerializer(serializers.Serializer):
    results = TokenReportResultItemSerializer(many=True)
    revoked = serializers.IntegerField()
    unknown = serializers.IntegerField()
    already_inactive = serializers.IntegerField()


class AuditFilterSerializer(serializers.Serializer):
    action = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)
    actor = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    tester = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)


class StateFilterSerializer(serializers.Serializer):
    """`?state=`: the choices come from the view (quarantines and flags differ)."""

    state = serializers.CharField(required=False, default="open")

    def validate_state(self, value: str) -> str:
        states = self.context["states"]
        if value not in states:
            raise serializers.ValidationError(f"Use one of: {', '.join(states)}.")
        return value
