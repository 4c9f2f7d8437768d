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
