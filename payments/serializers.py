from rest_framework import serializers

from payments.models import (
    CompensationPolicy,
    PayeeAccount,
    Payout,
    PayoutBatch,
    PayoutPeriod,
    TestAssignment,
    TestSignup,
)
from payments.money import CURRENCY_CHOICES, RATE_MAX_MINOR
from payments.services.payouts import MONTH_PATTERN
from payments.services.sessions import MAX_MINUTES


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = CompensationPolicy
        fields = [
            "id",
            "version",
            "currency",
            "effective_from",
            "published_at",
            "summary",
            "stipend_monthly_minor",
            "feedback_rates",
            "duplicate_share_bp",
            "film_shortlisted_minor",
            "film_selected_minor",
            "screening_fee_minor",
            "session_hourly_minor",
            "pay_floor_hourly_minor",
        ]


class SeverityRatesSerializer(serializers.Serializer):
    """Minor units per severity; a severity left out pays nothing."""

    P1 = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, required=False)
    P2 = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, required=False)
    P3 = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, required=False)
    P4 = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, required=False)
    none = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, required=False)


class FeedbackRatesSerializer(serializers.Serializer):
    """Rates per feedback kind: the schema names every kind and severity the policy knows."""

    bug = SeverityRatesSerializer(required=False)
    quality = SeverityRatesSerializer(required=False)
    safety = SeverityRatesSerializer(required=False)
    idea = SeverityRatesSerializer(required=False)
    praise = SeverityRatesSerializer(required=False)


class PolicyInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, default="USD")
    effective_from = serializers.DateTimeField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    stipend_monthly_minor = serializers.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, default=0
    )
    feedback_rates = FeedbackRatesSerializer(default=dict)
    duplicate_share_bp = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    film_shortlisted_minor = serializers.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, default=0
    )
    film_selected_minor = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, default=0)
    screening_fee_minor = serializers.IntegerField(min_value=0, max_value=RATE_MAX_MINOR, default=0)
    session_hourly_minor = serializers.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, default=0
    )
    pay_floor_hourly_minor = serializers.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, default=0
    )


class PolicyOverviewSerializer(serializers.Serializer):
    in_force = PolicySerializer(allow_null=True)
    upcoming = PolicySerializer(allow_null=True)
    versions = PolicySerializer(many=True)


class PayeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayeeAccount
        fields = [
            "rail",
            "stripe_account_id",
            "payouts_enabled",
            "requirements_due",
            "last_bank_payout_status",
        ]


class MoneySerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount_minor = serializers.IntegerField()


class MyPaySerializer(serializers.Serializer):
    balance = MoneySerializer(many=True)
    this_period = MoneySerializer(many=True)
    payee = PayeeSerializer(allow_null=True)
    statement_months = serializers.ListField(child=serializers.CharField())


class OnboardingLinkSerializer(serializers.Serializer):
    url = serializers.URLField()


class StatementRowSerializer(serializers.Serializer):
    date = serializers.DateField()
    what = serializers.CharField()
    url = serializers.CharField()
    rule = serializers.CharField()
    rate = serializers.CharField()
    policy_version = serializers.CharField()
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()


class StatementTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    opening = serializers.IntegerField()
    earned = serializers.IntegerField()
    reversed = serializers.IntegerField()
    payouts = serializers.IntegerField()
    closing = serializers.IntegerField()


class StatementSerializer(serializers.Serializer):
    month = serializers.CharField(source="label")
    rows = StatementRowSerializer(many=True)
    totals = StatementTotalsSerializer(many=True, source="totals_list")


class PayoutSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="batch.period.label", read_only=True)
    artist = serializers.CharField(source="tester.display_name", read_only=True)
    country = serializers.CharField(source="tester.country", read_only=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "batch",
            "period",
            "tester",
            "artist",
            "country",
            "amount_minor",
            "currency",
            "rail",
            "status",
            "attempts",
            "provider_ref",
            "reference",
            "failure_reason",
            "paid_at",
        ]


class BatchSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.label", read_only=True)
    payouts = PayoutSerializer(many=True, read_only=True)

    class Meta:
        model = PayoutBatch
        fields = [
            "id",
            "period",
            "status",
            "progress",
            "created_by",
            "approved_by",
            "approved_at",
            "paid_at",
            "payouts",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    batch = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    month = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = PayoutPeriod
        fields = [
            "id",
            "month",
            "status",
            "progress",
            "error",
            "closed_by",
            "started_at",
            "closed_at",
            "batch",
        ]


class ClosePeriodInputSerializer(serializers.Serializer):
    month = serializers.RegexField(MONTH_PATTERN)


class MarkPaidInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=120)


class ReconcileSerializer(serializers.Serializer):
    mismatches = serializers.ListField(child=serializers.CharField())


class AssignmentSerializer(serializers.ModelSerializer):
    taken = serializers.IntegerField(read_only=True)

    class Meta:
        model = TestAssignment
        fields = [
            "id",
            "title",
            "brief",
            "expected_minutes",
            "starts_on",
            "ends_on",
            "seats",
            "status",
            "taken",
        ]
        read_only_fields = ["status"]


class SignupSerializer(serializers.ModelSerializer):
    assignment_title = serializers.CharField(source="assignment.title", read_only=True)

    class Meta:
        model = TestSignup
        fields = [
            "id",
            "assignment",
            "assignment_title",
            "tester",
            "status",
            "logged_minutes",
            "report",
            "confirmed_minutes",
            "cut_reason",
            "confirmed_at",
        ]


class LogHoursInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES)
    report = serializers.CharField(max_length=4000)


class ConfirmHoursInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES)
    cut_reason = serializers.CharField(required=False, allow_blank=True, default="")


class YearEndArtistSerializer(serializers.Serializer):
    tester_id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    country = serializers.CharField()
    currency = serializers.CharField()
    total_minor = serializers.IntegerField()
    payouts = serializers.IntegerField()
    over_threshold = serializers.BooleanField()


class YearEndSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    threshold_minor = serializers.IntegerField()
    artists = YearEndArtistSerializer(many=True)


class TransparencySerializer(serializers.Serializer):
    currency = serializers.CharField()
    total_paid_minor = serializers.DictField(child=serializers.IntegerField())
    artists_paid = serializers.IntegerField()
    periods_paid = serializers.IntegerField()
    suppressed = serializers.BooleanField()
    per_artist_period = serializers.DictField(allow_null=True)
    gini = serializers.CharField(allow_null=True)
    top10_share_pct = serializers.CharField(allow_null=True)
    share_by_kind_pct = serializers.DictField(child=serializers.CharField())
    days_to_payment = serializers.DictField(allow_null=True)
    feedback_slo = serializers.DictField()
    computed_at = serializers.CharField()
