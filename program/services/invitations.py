import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from program.models import Invitation, InvitationImport, Program, Tester
from program.services.testers import tester_change_status, tester_create

SIGNING_SALT = "atelier.invitation"
CSV_COLUMNS = ("email", "name", "country", "cohort")


class InvitationInvalid(ServiceError):
    """The link cannot be used; `code` says why (forged, expired, used, declined, revoked)."""

    status_code = 400


def invitation_link_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce.hex}, salt=SIGNING_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitation", kwargs={"token": invitation_link_token(invitation)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def invitation_resolve(token: str) -> Invitation:
    """Return the pending invitation behind a link, or raise InvitationInvalid with the reason."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT)
        invitation = Invitation.objects.select_related("tester__program", "tester__user").get(
            pk=int(payload["i"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Invitation.DoesNotExist) as exc:
        raise InvitationInvalid(
            "This invitation link is not valid. Check that you copied the whole link.",
            code="invitation_forged",
        ) from exc
    if payload.get("n") != invitation.nonce.hex:
        raise InvitationInvalid(
            "This link was replaced by a newer invitation. Use the latest email we sent you.",
            code="invitation_superseded",
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationInvalid(
            "This invitation was already used. Sign in with your email and password.",
            code="invitation_used",
        )
    if invitation.status == Invitation.Status.DECLINED:
        raise InvitationInvalid("This invitation was declined.", code="invitation_declined")
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationInvalid("This invitation was withdrawn.", code="invitation_revoked")
    if invitation.is_expired:
        raise InvitationInvalid(
            "This invitation has expired. Ask the program team to send it again.",
            code="invitation_expired",
        )
    return invitation


def _send_invitation_email(invitation: Invitation) -> None:
    program = invitation.tester.program
    url = invitation_url(invitation)
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You're invited to {program.name}",
            message=(
                f"Hello {invitation.tester.display_name},\n\n"
                f"You are invited to the {program.name} early-access program. Participation is "
                f"paid under the published compensation policy.\n\n"
                f"Accept or decline here (the link works once and expires on "
                f"{invitation.expires_at:%Y-%m-%d}):\n{url}\n"
            ),
            from_email=None,
            recipient_list=[invitation.email],
        )
    )


@transaction.atomic
def invitation_create(
    *,
    program: Program,
    email: str,
    name: str,
    country: str,
    cohort: str = "",
    portfolio_links=(),
    invited_by=None,
) -> Invitation:
    tester = tester_create(
        program=program,
        email=email,
        display_name=name,
        country=country,
        cohort=cohort,
        portfolio_links=portfolio_links,
        actor=invited_by,
    )
    now = timezone.now()
    invitation = Invitation.objects.create(
        tester=tester,
        email=tester.user.email,
        invited_by=invited_by,
        sent_at=now,
        expires_at=now + timedelta(days=settings.ATELIER_INVITATION_DAYS),
    )
    _send_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor=None) -> Invitation:
    """Send a fresh link valid for another full period; earlier links stop working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict(
            f"Only pending invitations can be re-sent; this one is {invitation.status}.",
            code="invitation_not_pending",
        )
    now = timezone.now()
    invitation.nonce = invitation._meta.get_field("nonce").default()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.ATELIER_INVITATION_DAYS)
    invitation.send_count += 1
    invitation.save(update_fields=["nonce", "sent_at", "expires_at", "send_count"])
    _send_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, display_name: str = "") -> Tester:
    """Use the link once: set the password and move the tester to onboarding."""
    invitation = invitation_resolve(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationInvalid("This invitation was already used.", code="invitation_used")
    tester = invitation.tester
    user = tester.user
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="password", code="weak_password") from exc
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    if display_name.strip():
        tester.display_name = display_name.strip()[:120]
        tester.save(update_fields=["display_name"])
    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return tester_change_status(
        tester=tester,
        to_status=Tester.Status.ONBOARDING,
        actor=user,
        reason="Accepted the invitation",
    )


@transaction.atomic
def invitation_decline(*, token: str, reason: str = "") -> Invitation:
    invitation = invitation_resolve(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.decline_reason = (reason or "").strip()[:2000]
    invitation.save(update_fields=["status", "responded_at", "decline_reason"])
    tester_change_status(
        tester=invitation.tester,
        to_status=Tester.Status.OFFBOARDED,
        actor=invitation.tester.user,
        reason=f"Declined the invitation: {invitation.decline_reason or 'no reason given'}",
    )
    return invitation


@dataclass
class RowError:
    row: int  # 1-based line number in the file, header included
    field: str
    message: str


@dataclass
class ImportResult:
    created: list[Invitation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _decode_csv(content: bytes | str) -> str:
    if isinstance(content, bytes):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(
                "The file must be UTF-8 CSV.", field="file", code="bad_encoding"
            ) from exc
    return content


def _csv_rows(content: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("email", "name", "country") if c not in header]
    if missing:
        raise ServiceError(
            f"The CSV header must include: email, name, country (optional: cohort). "
            f"Missing: {', '.join(missing)}.",
            field="file",
            code="bad_header",
        )
    reader.fieldnames = header
    return list(enumerate(reader, start=2))


def invitations_import_csv(
    *, program: Program, content: bytes | str, invited_by=None, on_progress=None
) -> ImportResult:
    """Invite every good row; report each bad row by line number and field.

    Each row is its own transaction, so one bad row never blocks the others.
    `on_progress(processed, result)` is called after each row.
    """
    rows = _csv_rows(_decode_csv(content))
    result = ImportResult()
    seen: set[str] = set()
    limit = settings.ATELIER_CSV_IMPORT_MAX_ROWS
    for processed, (line_number, row) in enumerate(rows, start=1):
        if processed > limit:
            result.errors.append(RowError(line_number, "file", f"Stopped after {limit} rows."))
            break
        email = (row.get("email") or "").strip().lower()
        if email and email in seen:
            result.errors.append(
                RowError(line_number, "email", f"{email} appears twice in the file.")
            )
        else:
            seen.add(email)
            try:
                result.created.append(
                    invitation_create(
                        program=program,
                        email=email,
                        name=row.get("name") or "",
                        country=row.get("country") or "",
                        cohort=row.get("cohort") or "",
                        invited_by=invited_by,
                    )
                )
            except ServiceError as exc:
                result.errors.append(RowError(line_number, exc.field or "row", exc.message))
        if on_progress is not None:
            on_progress(processed, result)
    return result


@transaction.atomic
def invitation_import_start(
    *, program: Program, content: bytes, filename: str, uploaded_by
) -> InvitationImport:
    """Check the header now (a clear error at once), process the rows in the background."""
    text = _decode_csv(content)
    rows = _csv_rows(text)
    job = InvitationImport.objects.create(
        program=program,
        uploaded_by=uploaded_by,
        filename=filename[:200],
        content=text,
        total_rows=min(len(rows), settings.ATELIER_CSV_IMPORT_MAX_ROWS),
    )
    from program.tasks import run_invitation_import

    transaction.on_commit(lambda: run_invitation_import.delay(job.pk))
    return job


def invitation_import_run(*, import_id: int) -> InvitationImport:
    """Process a pending import; safe to call again (a finished import is left alone)."""
    claimed = InvitationImport.objects.filter(
        pk=import_id, status=InvitationImport.Status.PENDING
    ).update(status=InvitationImport.Status.RUNNING)
    job = InvitationImport.objects.get(pk=import_id)
    if not claimed:
        return job

    def progress(processed: int, result: ImportResult) -> None:
        if processed % 10 == 0 or processed == job.total_rows:
            InvitationImport.objects.filter(pk=job.pk).update(
                processed_rows=processed, created_count=len(result.created)
            )

    try:
        result = invitations_import_csv(
            program=job.program,
            content=job.content,
            invited_by=job.uploaded_by,
            on_progress=progress,
        )
    except ServiceError as exc:
        job.status, job.errors = (
            InvitationImport.Status.FAILED,
            [{"row": 1, "field": "file", "message": exc.message}],
        )
    else:
        job.status = InvitationImport.Status.DONE
        job.errors = [{"row": e.row, "field": e.field, "message": e.message} for e in result.errors]
        job.created_count = len(result.created)
        job.processed_rows = job.total_rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "created_count", "processed_rows", "finished_at"])
    return job
