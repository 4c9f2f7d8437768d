from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from program.models import Tester


class Scope(models.TextChoices):
    VIDEOS_READ = "videos:read", "Read videos"
    VIDEOS_WRITE = "videos:write", "Create and delete videos"
    FEEDBACK_WRITE = "feedback:write", "Post feedback"


class AccessToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the secret is shown once."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"
        QUARANTINED = "quarantined", "Quarantined"

    tester = models.ForeignKey(Tester, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, help_text="First characters, for recognition")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="token_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "revoked", "quarantined"]),
                name="token_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["tester", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class AuditEvent(models.Model):
    """Append-only record of security-relevant and staff actions."""

    action = models.CharField(max_length=60, db_index=True, help_text="e.g. token.revoked")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, if not a user")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The tester the event concerns, so artists can see the entries about themselves.
    subject_tester = models.ForeignKey(
        Tester, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"


class TokenUsage(models.Model):
    """One authenticated token request. Raw rows live 30 days, then become daily aggregates.

    Never holds the token itself: only the foreign key.
    """

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="usage")
    tester = models.ForeignKey(Tester, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The /24 (IPv4) or /48 (IPv6) network of the address; what spread detection counts.
    network = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=8, blank=True)
    route = models.CharField(max_length=200, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    origin = models.CharField(max_length=200, blank=True)
    referer = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["token", "created_at"]),
            models.Index(fields=["tester", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.created_at:%Y-%m-%d %H:%M:%S} {self.network}"


class TokenUsageDaily(models.Model):
    """Per-token daily totals kept after the raw usage rows are pruned."""

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="usage_daily")
    tester = models.ForeignKey(Tester, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    networks = models.PositiveIntegerField(default=0, help_text="Distinct client networks")
    origins = models.PositiveIntegerField(default=0, help_text="Requests carrying an Origin")

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["token", "day"], name="one_usage_aggregate_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.day}: {self.requests}"


class ProgramSecurity(models.Model):
    """Per-program leak-detection thresholds and rate limits, editable by staff.

    A missing row means the defaults from settings.
    """

    program = models.OneToOneField(
        "program.Program", on_delete=models.CASCADE, related_name="security"
    )
    origin_allowlist = models.JSONField(
        default=list,
        blank=True,
        help_text="Hosts whose browser pages may use tokens (e.g. tools.atelier.example)",
    )
    quarantine_on_origin = models.BooleanField(
        default=True, help_text="Quarantine a token at its first request from a foreign origin"
    )
    spread_max_networks = models.PositiveIntegerField(
        help_text="Quarantine when more distinct networks than this use one token in the window"
    )
    spread_window_minutes = models.PositiveIntegerField()
    spike_factor = models.PositiveIntegerField(
        help_text="Flag a token whose rate is this many times its owner's usual rate"
    )
    spike_min_per_minute = models.PositiveIntegerField(
        help_text="Requests in one minute before a spike is considered at all"
    )
    requests_per_minute_per_token = models.PositiveIntegerField()
    requests_per_minute_per_tester = models.PositiveIntegerField()
    max_concurrent_jobs_per_tester = models.PositiveIntegerField()
    max_concurrent_jobs_per_token = models.PositiveIntegerField()
    gpu_seconds_per_day_per_tester = models.PositiveIntegerField()
    gpu_seconds_per_day_per_token = models.PositiveIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "program security settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(spread_max_networks__gte=1) & Q(spread_window_minutes__gte=1),
                name="security_spread_positive",
            ),
            models.CheckConstraint(
                condition=Q(requests_per_minute_per_token__gte=1)
                & Q(requests_per_minute_per_tester__gte=1),
                name="security_rates_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Security settings for {self.program_id}"


class TokenQuarantine(models.Model):
    """Why a token was quarantined, with the evidence shown to its owner and to staff."""

    class Rule(models.TextChoices):
        ORIGIN = "origin", "Used from a browser page on a foreign site"
        SPREAD = "spread", "Used from too many networks"
        MANUAL = "manual", "Quarantined by staff"

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="quarantines")
    rule = models.CharField(max_length=16, choices=Rule)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=["origin", "spread", "manual"]), name="quarantine_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_at__gte=models.F("created_at")),
                name="quarantine_release_after_start",
            ),
            models.UniqueConstraint(
                fields=["token"],
                condition=Q(released_at__isnull=True),
                name="one_open_quarantine_per_token",
            ),
        ]

    def __str__(self) -> str:
        return f"Quarantine of token {self.token_id} ({self.rule})"

    @property
    def is_open(self) -> bool:
        return self.released_at is None


class SecurityFlag(models.Model):
    """Something staff should look at; no automatic action (e.g. a volume spike)."""

    class Kind(models.TextChoices):
        VOLUME_SPIKE = "volume_spike", "Volume spike"

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=24, choices=Kind)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["volume_spike"]), name="flag_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on token {self.token_id}"


class ProgramPause(models.Model):
    """One program-wide pause. Payments read these to keep stipends accruing while paused."""

    program = models.ForeignKey("program.Program", on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(ended_at__isnull=True),
                name="one_open_pause_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Pause of {self.program_id} from {self.started_at:%Y-%m-%d %H:%M}"


class TokenReportReceipt(models.Model):
    """A secret-scanning delivery already processed; a second copy is a replay."""

    signature_sha256 = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    reported = models.PositiveIntegerField(default=0)
    revoked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Token report {self.received_at:%Y-%m-%d %H:%M} ({self.reported})"


class RateCounter(models.Model):
    """Fixed-window request counters, used when no Redis is configured.

    Incremented with one atomic INSERT … ON CONFLICT … RETURNING statement.
    """

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
