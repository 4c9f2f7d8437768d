"""Compensation: published policy versions, the double-entry ledger, earnings, periods, payouts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from payments.money import CURRENCY_CHOICES, format_minor
from program.models import Program, Tester


class CompensationPolicy(models.Model):
    """One published, immutable version of a program's pay rates (integer minor units)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="policies")
    version = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    effective_from = models.DateTimeField(help_text="When work starts earning these rates")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(blank=True, help_text="What changed and why")
    stipend_monthly_minor = models.PositiveBigIntegerField(default=0)
    # {"bug": {"P1": 30000, "P2": ..., "none": ...}, "idea": {...}, ...}
    feedback_rates = models.JSONField(default=dict)
    duplicate_share_bp = models.PositiveIntegerField(default=0, help_text="Basis points (1/100 %)")
    film_shortlisted_minor = models.PositiveBigIntegerField(default=0)
    film_selected_minor = models.PositiveBigIntegerField(default=0)
    screening_fee_minor = models.PositiveBigIntegerField(default=0)
    session_hourly_minor = models.PositiveBigIntegerField(default=0)
    pay_floor_hourly_minor = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["program", "-version"]
        verbose_name_plural = "compensation policies"
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="policy_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="policy_version_positive"),
            models.CheckConstraint(
                condition=Q(duplicate_share_bp__lte=10000), name="policy_duplicate_share_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.slug} policy v{self.version}"

    def money(self, amount_minor: int) -> str:
        return format_minor(amount_minor, self.currency)

    def feedback_rate(self, kind: str, severity: str | None) -> int:
        table = self.feedback_rates.get(kind) or {}
        return int(table.get(severity or "none", table.get("none", 0)))

    @property
    def session_effective_hourly_minor(self) -> int:
        return max(self.session_hourly_minor, self.pay_floor_hourly_minor)

    # Display helpers for templates (formatting only).
    @property
    def stipend_display(self) -> str:
        return self.money(self.stipend_monthly_minor)

    @property
    def film_shortlisted_display(self) -> str:
        return self.money(self.film_shortlisted_minor)

    @property
    def film_selected_display(self) -> str:
        return self.money(self.film_selected_minor)

    @property
    def screening_fee_display(self) -> str:
        return self.money(self.screening_fee_minor)

    @property
    def session_hourly_display(self) -> str:
        return self.money(self.session_hourly_minor)

    @property
    def pay_floor_display(self) -> str:
        return self.money(self.pay_floor_hourly_minor)

    @property
    def duplicate_share_display(self) -> str:
        bp = self.duplicate_share_bp
        return f"{bp // 100}.{bp % 100:02d}%"

    severity_columns = ("P1", "P2", "P3", "P4", "none")

    @property
    def feedback_table(self) -> list[dict]:
        return [
            {
                "kind": kind,
                "cells": [
                    self.money(table[s]) if s in table else "—" for s in self.severity_columns
                ],
            }
            for kind, table in sorted(self.feedback_rates.items())
        ]


class Account(models.Model):
    """A ledger account. Its balance is the sum of its postings; for artist payable accounts
    the database also keeps that sum on every insert (PayableBalance)."""

    class Kind(models.TextChoices):
        PROGRAM_EXPENSE = "program_expense", "Program expense"
        ARTIST_PAYABLE = "artist_payable", "Artist payable"
        PAYOUTS_IN_FLIGHT = "payouts_in_flight", "Payouts in flight"
        PAID_OUT = "paid_out", "Paid out"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="ledger_accounts")
    kind = models.CharField(max_length=24, choices=Kind)
    tester = models.ForeignKey(
        Tester, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )

    class Meta:
        ordering = ["program", "kind", "tester"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "tester"],
                condition=Q(tester__isnull=False),
                name="account_unique_per_tester",
            ),
            models.UniqueConstraint(
                fields=["program", "kind"],
                condition=Q(tester__isnull=True),
                name="account_unique_program_level",
            ),
            models.CheckConstraint(
                condition=(Q(kind="artist_payable") & Q(tester__isnull=False))
                | (~Q(kind="artist_payable") & Q(tester__isnull=True)),
                name="account_tester_only_for_payable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}" + (
            f" · {self.tester.display_name}" if self.tester else ""
        )


class LedgerTransaction(models.Model):
    """A balanced set of postings. Append-only: the database refuses UPDATE and DELETE."""

    class Kind(models.TextChoices):
        EARNING = "earning", "Earning"
        REVERSAL = "reversal", "Reversal"
        PAYOUT_RESERVE = "payout_reserve", "Payout reserved"
        PAYOUT_SETTLE = "payout_settle", "Payout settled"
        PAYOUT_RETURN = "payout_return", "Payout returned"
        ADJUSTMENT = "adjustment", "Adjustment"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind)
    memo = models.CharField(max_length=300, blank=True)
    effective_on = models.DateField(help_text="The day the entry counts for (its period)")
    created_at = models.DateTimeField(default=timezone.now)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.memo}"


class Earning(models.Model):
    """One payable event, recorded once per (rule, source)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="earnings")
    # Indexed by (tester, occurred_at) below; a separate FK index would only slow inserts.
    tester = models.ForeignKey(
        Tester, on_delete=models.PROTECT, related_name="earnings", db_index=False
    )
    rule = models.CharField(max_length=40)
    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    policy = models.ForeignKey(
        CompensationPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rate_label = models.CharField(max_length=200, blank=True, help_text="Rule and rate applied")
    params = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="earnings"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "source_type", "source_id"], name="earning_once_per_rule_source"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="earning_positive"),
        ]
        indexes = [models.Index(fields=["tester", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.rule} {format_minor(self.amount_minor, self.currency)} → {self.tester}"

    @property
    def kind(self) -> str:
        return rule_kind(self.rule)


def rule_kind(rule: str) -> str:
    """Public grouping of rules for the transparency report."""
    prefix = rule.split(".", 1)[0]
    return {
        "stipend": "stipend",
        "feedback": "feedback",
        "film": "films",
        "screening": "films",
        "license": "licenses",
        "session": "sessions",
    }.get(prefix, "other")


class Posting(models.Model):
    """One leg of a transaction. Positive amounts on a payable account are owed to the artist."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="postings"
    )
    # Indexed by (account, effective_on) below; a separate FK index would only slow inserts.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    effective_on = models.DateField()
    policy = models.ForeignKey(
        CompensationPolicy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    earning = models.ForeignKey(
        Earning, null=True, blank=True, on_delete=models.PROTECT, related_name="postings"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_minor=0), name="posting_nonzero"),
        ]
        indexes = [models.Index(fields=["account", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.account}: {format_minor(self.amount_minor, self.currency)}"


class PayableBalance(models.Model):
    """An artist's payable balance per currency: the sum of the account's postings.

    Kept by the database, never by the app: a trigger (migration 0005) adds each INSERT's
    payable postings to it in the same transaction, and postings are never updated or deleted,
    so it always equals the sum. Closing a period reads 300 of these instead of summing every
    posting since the program began.
    """

    # The (account, currency) unique constraint's index serves lookups by account.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="balances", db_index=False
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    balance_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "currency"], name="one_payable_balance_per_currency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {format_minor(self.balance_minor, self.currency)}"


class PayeeAccount(models.Model):
    """How an artist is paid: a Stripe connected account or a manual bank transfer."""

    class Rail(models.TextChoices):
        STRIPE = "stripe", "Stripe Connect"
        MANUAL = "manual", "Manual bank transfer"
        DEMO = "demo", "Demo (no network)"

    tester = models.OneToOneField(Tester, on_delete=models.PROTECT, related_name="payee")
    rail = models.CharField(max_length=12, choices=Rail, default=Rail.STRIPE)
    stripe_account_id = models.CharField(max_length=64, blank=True, db_index=True)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    # `created` of the newest account.updated applied, so an older event never overwrites.
    last_event_created = models.BigIntegerField(default=0)
    bank_details_note = models.CharField(max_length=200, blank=True)
    last_bank_payout_status = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.tester.display_name}: {self.rail}"

    @property
    def ready(self) -> bool:
        if self.rail == self.Rail.STRIPE:
            return bool(self.stripe_account_id and self.payouts_enabled)
        return True


class PayoutPeriod(models.Model):
    class Status(models.TextChoices):
        CLOSING = "closing", "Closing"
        CLOSED = "closed", "Closed"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="payout_periods")
    month = models.DateField(help_text="First day of the month")
    status = models.CharField(max_length=12, choices=Status, default=Status.CLOSING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["program", "month"], name="one_period_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


class PayoutBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PAYING = "paying", "Paying"
        PAID = "paid", "Paid"
        ATTENTION = "attention", "Needs attention"

    period = models.OneToOneField(PayoutPeriod, on_delete=models.PROTECT, related_name="batch")
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "payout batches"

    def __str__(self) -> str:
        return f"Batch #{self.pk} ({self.period})"


class Payout(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        AWAITING_MANUAL = "awaiting_manual", "Awaiting bank transfer"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed (retryable)"
        HELD = "held", "Held"
        RETURNED = "returned", "Returned"

    # The (batch, tester, currency) unique constraint's index serves lookups by batch.
    batch = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, related_name="payouts", db_index=False
    )
    tester = models.ForeignKey(Tester, on_delete=models.PROTECT, related_name="payouts")
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    rail = models.CharField(max_length=12, choices=PayeeAccount.Rail)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    provider_ref = models.CharField(max_length=80, blank=True)
    reference = models.CharField(max_length=120, blank=True, help_text="Bank transfer reference")
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "tester__display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "tester", "currency"], name="one_payout_per_batch_tester_currency"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_positive"),
        ]
        # Exact lookups only (webhooks): no LIKE index beside it, as db_index would add.
        indexes = [models.Index(fields=["status"]), models.Index(fields=["provider_ref"])]

    def __str__(self) -> str:
        return f"Payout #{self.pk} {format_minor(self.amount_minor, self.currency)}"

    @property
    def transfer_group(self) -> str:
        return f"payout_{self.pk}"

    @property
    def idempotency_key(self) -> str:
        return f"payout:{self.pk}"


class WebhookEvent(models.Model):
    """Every provider event we accepted, once per event id."""

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=60)
    created = models.BigIntegerField(help_text="Provider timestamp (seconds)")
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class TestAssignment(models.Model):
    """A paid, structured test session staff publish for artists to sign up to."""

    __test__ = False  # not a pytest class

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="test_assignments")
    title = models.CharField(max_length=200)
    brief = models.TextField(help_text="Markdown")
    expected_minutes = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    seats = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="assignment_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="assignment_has_seats"),
            models.CheckConstraint(
                condition=Q(expected_minutes__gte=1), name="assignment_expected_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TestSignup(models.Model):
    __test__ = False

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", "Signed up"
        LOGGED = "logged", "Hours logged"
        CONFIRMED = "confirmed", "Confirmed"

    assignment = models.ForeignKey(TestAssignment, on_delete=models.PROTECT, related_name="signups")
    tester = models.ForeignKey(Tester, on_delete=models.PROTECT, related_name="test_signups")
    status = models.CharField(max_length=12, choices=Status, default=Status.SIGNED_UP)
    logged_minutes = models.PositiveIntegerField(null=True, blank=True)
    report = models.TextField(blank=True)
    confirmed_minutes = models.PositiveIntegerField(null=True, blank=True)
    cut_reason = models.TextField(blank=True, help_text="Why fewer hours were confirmed")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "tester"], name="one_signup_per_tester"),
            models.CheckConstraint(
                condition=Q(confirmed_minutes__isnull=True)
                | Q(confirmed_minutes__lte=models.F("logged_minutes")),
                name="confirmed_not_above_logged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tester} · {self.assignment}"


class TransparencySnapshot(models.Model):
    """Cached public figures, recomputed when a period closes."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Transparency {self.program.slug} @ {self.computed_at:%Y-%m-%d}"
