"""Writes for feedback: filing, conversation, triage decisions, shipping and the silence timeout.

Nothing here reads the tone of what an artist wrote: pay and access never depend on sentiment.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError
from generation.models import GenerationJob
from payments.earnings import earning_record
from program.feedback.clocks import business_days_add, slo_targets
from program.feedback.models import (
    SEVERITY_KINDS,
    Feedback,
    FeedbackAttachment,
    FeedbackComment,
    FeedbackEvent,
    FeedbackJob,
)
from program.feedback.uploads import upload_check
from program.models import Tester
from program.roles import Role, has_role
from program.services.notifications import notify

State = Feedback.State

STATE_MESSAGES = {
    State.TRIAGED: "Your feedback was triaged: the team has read it and is looking into it.",
    State.NEEDS_INFO: "The team needs more information. Reply on the feedback page.",
    State.ACCEPTED: "Your feedback was accepted. Thank you.",
    State.DUPLICATE: "Your feedback duplicates an earlier report; you will hear when it is resolved.",
    State.INFORMATIVE: "Your feedback was useful information; no change is planned from it.",
    State.NOT_APPLICABLE: "Your feedback does not apply to the model as it stands.",
    State.CLOSED: (
        "Your feedback was closed after 14 days without a reply. There is no penalty: "
        "reply on the page at any time to reopen it."
    ),
}


def _artist_url(feedback: Feedback) -> str:
    return reverse("feedback-detail", args=[feedback.pk])


def _notify_artist(feedback: Feedback, *, kind: str, title: str, body: str) -> None:
    notify(user=feedback.tester.user, kind=kind, title=title, body=body, url=_artist_url(feedback))


def _is_feedback_staff(user) -> bool:
    return has_role(user, Role.PROGRAM_STAFF)


class _StoredFiles:
    """Files written to storage during a write; removed again if the write fails."""

    def __init__(self) -> None:
        self.names: list = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            for field_file in self.names:
                field_file.delete(save=False)


def _store_attachment(*, feedback: Feedback, user, upload, stored: _StoredFiles, field: str):
    checked = upload_check(upload, field=field)
    attachment = FeedbackAttachment(
        feedback=feedback,
        uploaded_by=user,
        kind=checked.kind,
        content_type=checked.content_type,
        original_name=(getattr(upload, "name", "") or "upload")[-200:],
        size_bytes=checked.size_bytes,
        width=checked.width,
        height=checked.height,
        duration_seconds=checked.duration_seconds,
    )
    # An unguessable name: media URLs carry no other protection.
    attachment.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
    stored.names.append(attachment.file)
    attachment.save()
    return attachment


def _check_attachment_count(*, existing: int, adding: int, field: str) -> None:
    limit = settings.ATELIER_FEEDBACK_MAX_ATTACHMENTS
    if existing + adding > limit:
        raise ServiceError(
            f"At most {limit} attachments per feedback.", code="too_many_files", field=field
        )


def feedback_create(
    *,
    tester: Tester,
    kind: str,
    title: str,
    body: str,
    severity: str = "",
    job_ids: Iterable[str] = (),
    files: Iterable = (),
    now: datetime | None = None,
) -> Feedback:
    """File feedback. Job ids are the artist's own `video_…` ids; others' are refused alike."""
    if tester.status != Tester.Status.ACTIVE:
        raise NotAllowed("Only active program members can file feedback.", code="not_active")
    if kind not in Feedback.Kind.values:
        raise ServiceError("Unknown kind.", field="kind")
    severity = severity or ""
    if kind in SEVERITY_KINDS and severity not in Feedback.Severity.values:
        raise ServiceError("Bugs and safety reports need a severity (P1 to P4).", field="severity")
    if kind not in SEVERITY_KINDS and severity:
        raise ServiceError("Severity applies to bugs and safety reports only.", field="severity")
    if not title.strip():
        raise ServiceError("A title is required.", field="title")
    if not body.strip():
        raise ServiceError("Describe the feedback in the body.", field="body")
    files = list(files)
    _check_attachment_count(existing=0, adding=len(files), field="files")
    wanted = list(dict.fromkeys(job_ids))
    jobs = list(GenerationJob.objects.filter(tester=tester, public_id__in=wanted))
    if len(jobs) != len(wanted):
        found = {job.public_id for job in jobs}
        missing = ", ".join(j for j in wanted if j not in found)
        # Like a missing URL object (and Stripe's resource_missing): 404, naming the field.
        raise ServiceError(
            f"No generation of yours has the id {missing}.",
            field="jobs",
            code="not_found",
            status_code=404,
        )

    now = now or timezone.now()
    targets = slo_targets()
    with _StoredFiles() as stored, transaction.atomic():
        feedback = Feedback.objects.create(
            program=tester.program,
            tester=tester,
            kind=kind,
            title=title.strip()[:200],
            body=body,
            severity=severity,
            created_at=now,
            state_changed_at=now,
            first_response_due_at=business_days_add(now, targets["first_response"]),
            triage_due_at=business_days_add(now, targets["triage"]),
            decision_due_at=business_days_add(now, targets["decision"]),
        )
        FeedbackJob.objects.bulk_create(
            FeedbackJob(
                feedback=feedback,
                job=job,
                prompt=job.prompt,
                seed=job.seed,
                model=job.model,
                size=job.size,
            )
            for job in jobs
        )
        for upload in files:
            _store_attachment(
                feedback=feedback, user=tester.user, upload=upload, stored=stored, field="files"
            )
    return feedback


def feedback_attachment_add(*, feedback: Feedback, user, upload) -> FeedbackAttachment:
    """Add one attachment later (artist on their own item, or staff)."""
    if feedback.tester.user_id != user.pk and not _is_feedback_staff(user):
        raise NotAllowed("You cannot attach files to this feedback.")
    with _StoredFiles() as stored, transaction.atomic():
        _check_attachment_count(existing=feedback.attachments.count(), adding=1, field="file")
        return _store_attachment(
            feedback=feedback, user=user, upload=upload, stored=stored, field="file"
        )


def _record_event(feedback: Feedback, *, to_state: str, actor, note: str, now: datetime) -> None:
    FeedbackEvent.objects.create(
        feedback=feedback,
        from_state=feedback.state,
        to_state=to_state,
        actor=actor,
        note=note,
        created_at=now,
    )


def _earn_duplicate(duplicate: Feedback, original: Feedback) -> None:
    earning_record(
        tester=duplicate.tester,
        rule="feedback.duplicate",
        source=duplicate,
        params={
            "kind": duplicate.kind,
            "severity": duplicate.severity or None,
            "original_id": original.pk,
        },
        url=_artist_url(duplicate),
    )


def _root_original(original: Feedback) -> Feedback:
    seen = set()
    while original.state == State.DUPLICATE and original.duplicate_of_id not in seen:
        seen.add(original.pk)
        original = original.duplicate_of
    return original


def _move(
    feedback: Feedback,
    *,
    to_state: str,
    actor,
    note: str = "",
    duplicate_of: Feedback | None = None,
    now: datetime,
) -> Feedback:
    """Apply one state change with its clocks, money and notices. Caller holds the row lock."""
    if to_state not in State.values:
        raise ServiceError("Unknown state.", field="state")
    if not feedback.can_move_to(to_state):
        raise Conflict(
            f"Feedback in state '{feedback.state}' cannot move to '{to_state}'.",
            code="invalid_transition",
            field="state",
        )
    original = None
    if to_state == State.DUPLICATE:
        if duplicate_of is None:
            raise ServiceError("Name the original this duplicates.", field="duplicate_of")
        original = _root_original(Feedback.objects.get(pk=duplicate_of.pk))
        if original.pk == feedback.pk or original.program_id != feedback.program_id:
            raise ServiceError("Choose a different original.", field="duplicate_of")

    _record_event(feedback, to_state=to_state, actor=actor, note=note, now=now)
    feedback.state = to_state
    feedback.state_changed_at = now
    feedback.duplicate_of = original
    by_staff = actor is not None and _is_feedback_staff(actor)
    if by_staff and feedback.first_response_at is None:
        feedback.first_response_at = now
    if to_state not in (State.NEW, State.CLOSED) and feedback.triaged_at is None and by_staff:
        feedback.triaged_at = now
    if to_state in Feedback.DECISIONS:
        feedback.decided_at = now
    feedback.save()

    body = STATE_MESSAGES.get(to_state, "")
    if original is not None:
        body = f"It duplicates report #{original.pk}, now {original.get_state_display()}."
    if note:
        body = f"{body}\n\n{note}"
    if actor is None or actor.pk != feedback.tester.user_id:
        _notify_artist(
            feedback,
            kind=f"feedback.{to_state}",
            title=f"Feedback #{feedback.pk}: {feedback.get_state_display()}",
            body=body,
        )

    if to_state == State.ACCEPTED:
        earning_record(
            tester=feedback.tester,
            rule="feedback.accepted",
            source=feedback,
            params={"kind": feedback.kind, "severity": feedback.severity or None},
            url=_artist_url(feedback),
        )
    if original is not None and original.state == State.ACCEPTED:
        _earn_duplicate(feedback, original)
    if to_state in Feedback.RESOLUTIONS:
        for duplicate in feedback.duplicates.select_related("tester__user"):
            if to_state == State.ACCEPTED:
                _earn_duplicate(duplicate, feedback)
            _notify_artist(
                duplicate,
                kind="feedback.original_resolved",
                title=f"The report your feedback #{duplicate.pk} duplicates was resolved",
                body=f"Report #{feedback.pk} is now {feedback.get_state_display()}.",
            )
    return feedback


def _locked(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().select_related("tester__user").get(pk=feedback.pk)


@transaction.atomic
def feedback_transition(
    *,
    feedback: Feedback,
    actor,
    to_state: str,
    note: str = "",
    duplicate_of: Feedback | None = None,
    now: datetime | None = None,
) -> Feedback:
    """Staff move an item through triage. Decisions are final; needs-info waits for the artist."""
    if not _is_feedback_staff(actor):
        raise NotAllowed("Only program staff triage feedback.")
    if to_state == State.CLOSED:
        raise ServiceError("Items close by themselves after silence.", field="state")
    feedback = _locked(feedback)
    return _move(
        feedback,
        to_state=to_state,
        actor=actor,
        note=note.strip(),
        duplicate_of=duplicate_of,
        now=now or timezone.now(),
    )


def feedback_bulk_transition(
    *, ids: Iterable[int], program, actor, to_state: str, note: str = ""
) -> dict:
    """Apply one action to many items; each succeeds or fails on its own."""
    if not _is_feedback_staff(actor):
        raise NotAllowed("Only program staff triage feedback.")
    if to_state in (State.DUPLICATE, State.CLOSED, State.ACCEPTED):
        raise ServiceError(
            "Bulk actions cover triage, needs-info, informative and not applicable.",
            field="state",
        )
    changed, errors = [], {}
    for item in Feedback.objects.filter(program=program, pk__in=list(ids)).order_by("pk"):
        try:
            feedback_transition(feedback=item, actor=actor, to_state=to_state, note=note)
        except ServiceError as exc:
            errors[item.pk] = exc.message
        else:
            changed.append(item.pk)
    return {"changed": changed, "errors": errors}


@transaction.atomic
def feedback_comment_add(
    *, feedback: Feedback, author, body: str, internal: bool = False, now: datetime | None = None
) -> FeedbackComment:
    """Add to the conversation. An artist's reply reopens needs-info or a silent-closed item."""
    body = (body or "").strip()
    if not body:
        raise ServiceError("The comment is empty.", field="body")
    now = now or timezone.now()
    feedback = _locked(feedback)
    by_staff = _is_feedback_staff(author)
    is_owner = feedback.tester.user_id == author.pk
    if not by_staff and not is_owner:
        raise NotAllowed("You cannot comment on this feedback.")
    if internal and not by_staff:
        raise NotAllowed("Only staff write internal notes.", field="internal")
    comment = FeedbackComment.objects.create(
        feedback=feedback,
        author=author,
        by_staff=by_staff,
        internal=internal,
        body=body,
        created_at=now,
    )
    if internal:
        return comment
    if by_staff:
        if feedback.first_response_at is None:
            feedback.first_response_at = now
            feedback.save(update_fields=["first_response_at"])
        _notify_artist(
            feedback,
            kind="feedback.comment",
            title=f"New reply on your feedback #{feedback.pk}",
            body=body,
        )
    elif feedback.state in (State.NEEDS_INFO, State.CLOSED):
        _move(feedback, to_state=State.TRIAGED, actor=author, note="The artist replied.", now=now)
    return comment


@transaction.atomic
def feedback_ship(*, feedback: Feedback, actor, version: str) -> Feedback:
    """Record the model version that carries accepted feedback, and tell the artist."""
    if not _is_feedback_staff(actor):
        raise NotAllowed("Only program staff record shipped versions.")
    version = (version or "").strip()
    if not version:
        raise ServiceError("Name the model version.", field="version")
    feedback = _locked(feedback)
    if feedback.state != State.ACCEPTED:
        raise Conflict("Only accepted feedback ships.", code="not_accepted", field="version")
    feedback.shipped_in_version = version[:80]
    feedback.shipped_at = timezone.now()
    feedback.save(update_fields=["shipped_in_version", "shipped_at"])
    _notify_artist(
        feedback,
        kind="feedback.shipped",
        title=f"Your feedback #{feedback.pk} shipped in model version {feedback.shipped_in_version}",
        body=f"“{feedback.title}” is addressed in model version {feedback.shipped_in_version}.",
    )
    return feedback


def feedback_close_stale(*, now: datetime | None = None) -> int:
    """Close needs-info items after the silence period. Idempotent; no penalty is recorded."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ATELIER_FEEDBACK_NEEDS_INFO_CLOSE_DAYS)
    closed = 0
    stale = Feedback.objects.filter(state=State.NEEDS_INFO, state_changed_at__lte=cutoff)
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            item = (
                Feedback.objects.select_for_update()
                .select_related("tester__user")
                .filter(pk=pk, state=State.NEEDS_INFO, state_changed_at__lte=cutoff)
                .first()
            )
            if item is None:
                continue
            _move(item, to_state=State.CLOSED, actor=None, now=now)
            closed += 1
    return closed
