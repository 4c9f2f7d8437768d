"""Feedback from artists on the model, its conversation, and the clocks that promise an answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from program.models import Program, Tester

SEVERITY_KINDS = ("bug", "safety")


class Feedback(models.Model):
    """One piece of feedback. Due dates are fixed at filing: the promise made then is kept."""

    class Kind(models.TextChoices):
        BUG = "bug", "Bug"
        QUALITY = "quality", "Output quality"
        SAFETY = "safety", "Safety"
        IDEA = "idea", "Idea"
        PRAISE = "praise", "Praise"

    class Severity(models.TextChoices):
        P1 = "P1", "P1 — Critical"
        P2 = "P2", "P2 — Major"
        P3 = "P3", "P3 — Minor"
        P4 = "P4", "P4 — Cosmetic"

    class State(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        NEEDS_INFO = "needs_info", "Needs info"
        ACCEPTED = "accepted", "Accepted"
        DUPLICATE = "duplicate", "Duplicate"
        INFORMATIVE = "informative", "Informative"
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        CLOSED = "closed", "Closed (no reply)"

    DECISIONS = (State.ACCEPTED, State.DUPLICATE, State.INFORMATIVE, State.NOT_APPLICABLE)
    # An original counts as resolved for its duplicates' filers once it reaches one of these.
    RESOLUTIONS = (State.ACCEPTED, State.INFORMATIVE, State.NOT_APPLICABLE)
    OPEN = (State.NEW, State.TRIAGED, State.NEEDS_INFO)
    TRANSITIONS = {
        State.NEW: {State.TRIAGED, State.NEEDS_INFO, *DECISIONS},
        State.TRIAGED: {State.NEEDS_INFO, *DECISIONS},
        State.NEEDS_INFO: {State.TRIAGED, State.CLOSED, *DECISIONS},
        State.CLOSED: {State.TRIAGED},
        State.ACCEPTED: set(),
        State.DUPLICATE: set(),
        State.INFORMATIVE: set(),
        State.NOT_APPLICABLE: set(),
    }

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="feedback")
    tester = models.ForeignKey(Tester, on_delete=models.PROTECT, related_name="feedback")
    kind = models.CharField(max_length=16, choices=Kind)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; rendered sanitised")
    severity = models.CharField(max_length=2, choices=Severity, blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.NEW, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    jobs = models.ManyToManyField(
        "generation.GenerationJob", through="FeedbackJob", related_name="feedback", blank=True
    )
    shipped_in_version = models.CharField(max_length=80, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    first_response_due_at = models.DateTimeField()
    triage_due_at = models.DateTimeField()
    decision_due_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(severity="") | Q(kind__in=SEVERITY_KINDS),
                name="feedback_severity_only_for_bug_and_safety",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=SEVERITY_KINDS) | ~Q(severity=""),
                name="feedback_severity_required_for_bug_and_safety",
            ),
            models.CheckConstraint(
                condition=Q(state="duplicate", duplicate_of__isnull=False)
                | (~Q(state="duplicate") & Q(duplicate_of__isnull=True)),
                name="feedback_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(shipped_in_version="") | Q(state="accepted"),
                name="feedback_shipped_only_when_accepted",
            ),
        ]
        indexes = [models.Index(fields=["program", "state", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS[self.State(self.state)]


class FeedbackJob(models.Model):
    """A link to one of the artist's own generations, with what made it copied at link time."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="job_links")
    job = models.ForeignKey(
        "generation.GenerationJob", on_delete=models.PROTECT, related_name="feedback_links"
    )
    prompt = models.TextField()
    seed = models.BigIntegerField()
    model = models.CharField(max_length=100)
    size = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "job"], name="feedback_job_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.feedback_id} → {self.job_id}"


class FeedbackAttachment(models.Model):
    """An image or short video, checked by content (not by name) before it is stored."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="feedback/%Y/%m/")
    kind = models.CharField(max_length=8, choices=Kind)
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)
    size_bytes = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class FeedbackComment(models.Model):
    """The conversation. Internal notes are staff-only and never reach the artist."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_staff = models.BooleanField(default=False)
    internal = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(by_staff=True),
                name="feedback_internal_note_by_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on #{self.feedback_id}"


class FeedbackEvent(models.Model):
    """State history; `note` is public (internal reasoning goes in internal notes)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=Feedback.State)
    to_state = models.CharField(max_length=16, choices=Feedback.State)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.feedback_id} {self.from_state} → {self.to_state}"
