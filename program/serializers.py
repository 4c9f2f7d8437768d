from rest_framework import serializers

from atelier.api import StrictCharField
from program.countries import COUNTRY_CHOICES
from program.models import (
    Agreement,
    AgreementAcceptance,
    Invitation,
    Program,
    Tester,
    TesterStatusChange,
)


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "name", "slug", "status", "starts_on", "ends_on"]


class TesterSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Tester
        fields = [
            "id",
            "display_name",
            "email",
            "country",
            "cohort",
            "portfolio_links",
            "status",
            "status_changed_at",
            "joined_at",
            "created_at",
        ]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    program = ProgramSerializer(allow_null=True)
    tester = TesterSerializer(allow_null=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)

    class Meta:
        model = TesterStatusChange
        fields = ["from_status", "to_status", "actor", "reason", "created_at"]


class TesterStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Tester.Status.choices)
    reason = StrictCharField(max_length=2000)


class InvitationSerializer(serializers.ModelSerializer):
    tester = TesterSerializer(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "status",
            "tester",
            "sent_at",
            "send_count",
            "expires_at",
            "responded_at",
            "decline_reason",
        ]


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = StrictCharField(max_length=120)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    cohort = StrictCharField(max_length=60, required=False, allow_blank=True, default="")
    portfolio_links = serializers.ListField(
        child=serializers.URLField(), required=False, default=list, max_length=10
    )


class InvitationImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class InvitationImportResultSerializer(serializers.Serializer):
    created = InvitationSerializer(many=True)
    errors = RowErrorSerializer(many=True)


class InvitationAcceptSerializer(serializers.Serializer):
    token = StrictCharField(max_length=500)
    password = StrictCharField(max_length=128, write_only=True)
    display_name = StrictCharField(max_length=120, required=False, allow_blank=True, default="")


class InvitationDeclineSerializer(serializers.Serializer):
    token = StrictCharField(max_length=500)
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["id", "version", "title", "body", "body_sha256", "published_at"]


class AgreementPublishSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    body = StrictCharField(max_length=200_000)


class AcceptanceSerializer(serializers.ModelSerializer):
    agreement = AgreementSerializer(read_only=True)

    class Meta:
        model = AgreementAcceptance
        fields = ["id", "agreement", "accepted_at", "ip_address", "accepted_text_sha256"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        from program.models import Notification

        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )
