import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from program.access.models import AccessToken
from program.models import Tester


def new_video_id() -> str:
    return f"video_{secrets.token_hex(12)}"


# A finished job's three files and how each is served (`?variant=` on the download routes).
ASSET_CONTENT_TYPES = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}


class GenerationJob(models.Model):
    """One text-to-video request and its outputs. `public_id` is the API's `video_…` id."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINAL_STATES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    public_id = models.CharField(max_length=40, unique=True, default=new_video_id, editable=False)
    tester = models.ForeignKey(Tester, on_delete=models.PROTECT, related_name="generation_jobs")
    token = models.ForeignKey(
        AccessToken,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_jobs",
    )
    model = models.CharField(max_length=100)
    prompt = models.TextField()
    negative_prompt = models.TextField(blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    seconds = models.DecimalField(max_digits=6, decimal_places=2)
    fps = models.PositiveSmallIntegerField()
    num_frames = models.PositiveIntegerField()
    num_inference_steps = models.PositiveSmallIntegerField()
    guidance_scale = models.FloatField()
    seed = models.BigIntegerField(help_text="Recorded even when the artist did not choose one")
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=60, blank=True)
    error_message = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when dispatch hands the job to the GPU queue; the job stays "queued" until claimed.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    gpu_seconds = models.FloatField(default=0)
    pipeline_seconds = models.FloatField(default=0)
    video = models.FileField(upload_to="videos/%Y/%m/", blank=True)
    thumbnail = models.FileField(upload_to="videos/%Y/%m/", blank=True)
    spritesheet = models.FileField(upload_to="videos/%Y/%m/", blank=True)
    remixed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["queued", "in_progress", "completed", "failed", "cancelled"]
                ),
                name="job_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["tester", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATES


class GenerationWorker(models.Model):
    """Heartbeat of one GPU worker process, so staff see workers and dead ones free their jobs."""

    name = models.CharField(max_length=200, unique=True, help_text="hostname:pid")
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    device = models.CharField(max_length=60, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    current_job = models.ForeignKey(
        GenerationJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    jobs_done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hostname", "pid"]

    def __str__(self) -> str:
        return self.name
