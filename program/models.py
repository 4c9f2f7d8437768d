import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Program(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.ACTIVE)
    starts_on = models.DateField()
    ends_on = models.DateField()
    # Set while paused; shown to artists. The history lives in the access app's pause records.
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="program_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tester(models.Model):
    """A user's membership in one program."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        OFFBOARDED = "offboarded", "Offboarded"

    # Allowed lifecycle moves; anything else is refused by tester_change_status.
    TRANSITIONS = {
        Status.INVITED: {Status.ONBOARDING, Status.OFFBOARDED},
        Status.ONBOARDING: {Status.ACTIVE, Status.OFFBOARDED},
        Status.ACTIVE: {Status.SUSPENDED, Status.OFFBOARDED},
        Status.SUSPENDED: {Status.ACTIVE, Status.OFFBOARDED},
        Status.OFFBOARDED: set(),
    }

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="testers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="testers"
    )
    display_name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    portfolio_links = models.JSONField(default=list, blank=True)
    cohort = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.INVITED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="one_tester_per_user_program"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["invited", "onboarding", "active", "suspended", "offboarded"]
                ),
                name="tester_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["program", "country"]),
            models.Index(fields=["program", "cohort"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.program.slug})"

    @property
    def email(self) -> str:
        return self.user.email

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class TesterStatusChange(models.Model):
    """Who moved a tester through the lifecycle, when, and why."""

    tester = models.ForeignKey(Tester, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Tester.Status, blank=True)
    to_status = models.CharField(max_length=16, choices=Tester.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tester}: {self.from_status or '-'} → {self.to_status}"


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    tester = models.OneToOneField(Tester, on_delete=models.CASCADE, related_name="invitation")
    email = models.EmailField()
    # Rotated on every (re)send, so an older link stops working.
    nonce = models.UUIDField(default=uuid.uuid4)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class Agreement(models.Model):
    """A published, immutable version of a program's terms."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="agreements")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown")
    body_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="agreement_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class AgreementAcceptance(models.Model):
    tester = models.ForeignKey(Tester, on_delete=models.PROTECT, related_name="acceptances")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    # The exact text accepted, so the download never depends on later edits.
    accepted_text = models.TextField()
    accepted_text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tester", "agreement"], name="one_acceptance_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tester} accepted {self.agreement}"


class Notification(models.Model):
    """An in-app notice to one user; email copies follow the user's preferences."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60, help_text="Dotted event name, e.g. feedback.triaged")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(default=True)
    # Event-name prefixes the user does not want by email (in-app notices always appear).
    email_muted_kinds = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    def wants_email(self, kind: str) -> bool:
        return self.email_enabled and not any(kind.startswith(p) for p in self.email_muted_kinds)


class InvitationImport(models.Model):
    """A CSV of invitations processed in the background, with progress for the web page."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    content = models.TextField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return (
            100 if not self.total_rows else min(100, self.processed_rows * 100 // self.total_rows)
        )
