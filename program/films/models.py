"""Films, curation rounds, screenings and licenses.

Writes live in `program.films.services`, reads in `program.films.selectors`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from program.models import Program, Tester


def new_film_key() -> str:
    return secrets.token_hex(8)


def film_upload_path(instance, filename: str) -> str:
    # Random names: a path never carries the artist's name, so blind review stays blind.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"films/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{extension}"


class Round(models.Model):
    """A curation round: a rubric, N reviewers per film, and one notification date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for submissions"
        REVIEWING = "reviewing", "In review"
        RELEASED = "released", "Decisions released"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="film_rounds")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    reviewers_per_film = models.PositiveSmallIntegerField(default=3)
    notify_at = models.DateTimeField(help_text="When every decision in the round is released")
    released_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-notify_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewers_per_film__gte=1), name="round_reviewers_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "reviewing", "released"]), name="round_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One line of a round's rubric: a weight and an integer scale."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_ordered"
            ),
            models.UniqueConstraint(fields=["round", "name"], name="criterion_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (x{self.weight}, {self.scale_min}-{self.scale_max})"


class Film(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        SHORTLISTED = "shortlisted", "Shortlisted"
        SELECTED = "selected", "Selected"
        NOT_SELECTED = "not_selected", "Not selected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded MP4"
        ASSEMBLED = "assembled", "Assembled from generations"

    # Allowed moves; withdrawal is possible at any time before selection.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        # A round may decide a film nobody reviewed (e.g. ineligible) without a detour.
        Status.SUBMITTED: {
            Status.IN_REVIEW,
            Status.SHORTLISTED,
            Status.SELECTED,
            Status.NOT_SELECTED,
            Status.WITHDRAWN,
        },
        Status.IN_REVIEW: {
            Status.SHORTLISTED,
            Status.SELECTED,
            Status.NOT_SELECTED,
            Status.WITHDRAWN,
        },
        Status.SHORTLISTED: {Status.SELECTED, Status.NOT_SELECTED, Status.WITHDRAWN},
        Status.SELECTED: set(),
        Status.NOT_SELECTED: set(),
        Status.WITHDRAWN: set(),
    }

    key = models.CharField(max_length=16, unique=True, default=new_film_key, editable=False)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="films")
    tester = models.ForeignKey(Tester, on_delete=models.PROTECT, related_name="films")
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="films"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    credits = models.TextField(blank=True, help_text="May name people; hidden from curators")
    source = models.CharField(max_length=16, choices=Source)
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT, db_index=True)
    video = models.FileField(upload_to=film_upload_path)
    poster = models.FileField(upload_to=film_upload_path, blank=True)
    codec = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    duration_ms = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    credit_line_proposed = models.CharField(max_length=300, blank=True)
    credit_line = models.CharField(
        max_length=300, blank=True, help_text="Shown publicly; only the artist approves it"
    )
    credit_line_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "in_review",
                        "shortlisted",
                        "selected",
                        "not_selected",
                        "withdrawn",
                    ]
                ),
                name="film_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(round__isnull=False),
                name="film_submitted_has_round",
            ),
        ]
        indexes = [
            models.Index(fields=["tester", "status"]),
            models.Index(fields=["round", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_seconds(self) -> float:
        return self.duration_ms / 1000

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class FilmStatusChange(models.Model):
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Film.Status, blank=True)
    to_status = models.CharField(max_length=16, choices=Film.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.film}: {self.from_status or '-'} → {self.to_status}"


class FilmProvenance(models.Model):
    """A snapshot of one generation that went into a film; kept even if the job is deleted."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="provenance")
    job = models.ForeignKey(
        "generation.GenerationJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="film_uses",
    )
    position = models.PositiveSmallIntegerField()
    job_public_id = models.CharField(max_length=40)
    model = models.CharField(max_length=100)
    prompt = models.TextField()
    seed = models.BigIntegerField()
    seconds = models.DecimalField(max_digits=6, decimal_places=2)
    size = models.CharField(max_length=20)

    class Meta:
        ordering = ["film", "position"]
        constraints = [
            models.UniqueConstraint(fields=["film", "position"], name="provenance_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.film} #{self.position}: {self.job_public_id}"


class Assignment(models.Model):
    """A curator reviewing one film. Blind until the curator submits their own review."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        SUBMITTED = "submitted", "Submitted"
        RECUSED = "recused", "Recused (conflict of interest)"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assignments")
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="assignments")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="film_assignments"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Shared with the artist after release unless the curator turns sharing off.
    feedback = models.TextField(blank=True)
    share_with_artist = models.BooleanField(default=True)
    # Never shown to artists, never emailed.
    private_note = models.TextField(blank=True)
    conflict_reason = models.TextField(blank=True)
    recused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "film", "id"]
        constraints = [
            models.UniqueConstraint(fields=["film", "curator"], name="one_assignment_per_curator"),
            models.CheckConstraint(
                condition=Q(status__in=["assigned", "submitted", "recused"]),
                name="assignment_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["curator", "status"])]

    def __str__(self) -> str:
        return f"{self.curator} → {self.film}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField()

    class Meta:
        ordering = ["assignment", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.value}"


class Decision(models.Model):
    """A round's decision on a film, applied only when the round is released.

    A film shortlisted in one round can be carried into a later round and decided again there.
    """

    class Outcome(models.TextChoices):
        SHORTLISTED = "shortlisted", "Shortlisted"
        SELECTED = "selected", "Selected"
        NOT_SELECTED = "not_selected", "Not selected"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decisions")
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome)
    note = models.TextField(blank=True, help_text="Shared with the artist on release")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "film"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["shortlisted", "selected", "not_selected"]),
                name="decision_outcome_valid",
            ),
            models.UniqueConstraint(fields=["round", "film"], name="one_decision_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.film}: {self.outcome}"


class License(models.Model):
    """A request for one promotional use of a film; nothing is used without acceptance."""

    class Use(models.TextChoices):
        SHOWCASE = "showcase", "Showcase or screening"
        SOCIAL = "social", "Social media post"
        PRESS = "press", "Press"
        TRAINING = "training", "Model training data"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the artist"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Consent withdrawn"
        CANCELLED = "cancelled", "Cancelled by staff"

    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="licenses")
    use = models.CharField(max_length=16, choices=Use)
    channels = models.JSONField(default=list, help_text="Where the film may appear")
    starts_on = models.DateField()
    ends_on = models.DateField()
    fee_minor = models.PositiveBigIntegerField(help_text="Integer minor units")
    currency = models.CharField(max_length=3)
    terms = models.TextField(blank=True, help_text="Anything else the artist agrees to")
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # The exact terms accepted, their hash and where the acceptance came from.
    accepted_terms = models.JSONField(null=True, blank=True)
    accepted_terms_sha256 = models.CharField(max_length=64, blank=True)
    accepted_ip = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="license_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "accepted", "declined", "withdrawn", "cancelled"]
                ),
                name="license_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(use__in=["showcase", "social", "press", "training"]),
                name="license_use_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_terms_sha256__regex=r"^[0-9a-f]{64}$"),
                name="license_accepted_has_terms_hash",
            ),
        ]
        indexes = [models.Index(fields=["film", "status"])]

    def __str__(self) -> str:
        return f"{self.get_use_display()} license for {self.film}"

    def covers(self, *, on, channel: str) -> bool:
        return (
            self.status == self.Status.ACCEPTED
            and self.starts_on <= on <= self.ends_on
            and channel in self.channels
        )


class LicenseUse(models.Model):
    """One logged use of a licensed film. Append-only."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="uses")
    channel = models.CharField(max_length=100)
    used_on = models.DateField()
    description = models.CharField(max_length=300)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-used_on", "-id"]

    def __str__(self) -> str:
        return f"{self.license} on {self.channel} ({self.used_on})"


class Screening(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="screenings")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    link = models.URLField(blank=True)
    fee_minor = models.PositiveBigIntegerField(default=0, help_text="Paid to each artist shown")
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=16, choices=Status, default=Status.PLANNED)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(link=""), name="screening_has_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "confirmed", "cancelled"]),
                name="screening_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ScreeningFilm(models.Model):
    """A film in a screening's programme, with the credit line the artist approved."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="entries")
    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="screenings")
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="screenings")
    position = models.PositiveSmallIntegerField(default=0)
    credit_line = models.CharField(max_length=300)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["screening", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "film"], name="film_once_per_screening")
        ]

    def __str__(self) -> str:
        return f"{self.film} at {self.screening}"
