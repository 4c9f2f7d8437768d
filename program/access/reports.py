"""Secret-scanning partner endpoint: scanners post tokens they found in public.

Like GitHub's secret-scanning partner program: the body is signed with a shared secret
(HMAC-SHA256), here over `"<timestamp>.<raw body>"` so the timestamp cannot be swapped:

    X-Atelier-Timestamp: 1764070000
    X-Atelier-Signature: sha256=<hex digest>

Deliveries older than the tolerance, or seen before, are refused. Each live token reported is
revoked at once; the answer never says whose token it was.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from program.access import token_format
from program.access.models import AccessToken, TokenReportReceipt
from program.access.services import TOKENS_URL, token_revoke
from program.services.notifications import notify

SIGNATURE_HEADER = "X-Atelier-Signature"
TIMESTAMP_HEADER = "X-Atelier-Timestamp"
MAX_TOKENS_PER_REPORT = 1000
REPORTER = "secret-scanning report"


class Result:
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    ALREADY_INACTIVE = "already_inactive"


@dataclass(frozen=True)
class ReportedToken:
    token: str
    url: str
    source: str


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value a reporter sends (also used by tests and the docs)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class SignatureError(ServiceError):
    status_code = 401


def report_verify(*, body: bytes, signature: str, timestamp: str) -> str:
    """Check the signature and the clock; returns the digest that identifies the delivery."""
    secret = settings.ATELIER_TOKEN_REPORT_SECRET
    if not secret:
        # No shared secret: no signature can be valid, so the sender is not authenticated.
        # A 401 (not a 5xx) says so without looking like an outage worth retrying.
        raise SignatureError(
            "Token reports are not configured on this server: no signature can be verified.",
            code="reports_not_configured",
        )
    if not signature or not timestamp:
        raise SignatureError(
            f"Send {SIGNATURE_HEADER} and {TIMESTAMP_HEADER}.", code="signature_missing"
        )
    if not hmac.compare_digest(sign(secret=secret, timestamp=timestamp, body=body), signature):
        raise SignatureError("The signature does not match the body.", code="signature_invalid")
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise SignatureError("The timestamp is not a Unix time.", code="timestamp_invalid") from exc
    if abs(time.time() - sent) > settings.ATELIER_TOKEN_REPORT_TOLERANCE_SECONDS:
        raise SignatureError(
            "The timestamp is too far from now; sign the delivery again.",
            code="timestamp_out_of_range",
        )
    return hashlib.sha256(signature.encode()).hexdigest()


def report_parse(body: bytes) -> list[ReportedToken]:
    """A JSON list of {"token", "url", "source"?} (or {"tokens": [...]})."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError("The body is not JSON.", code="invalid_json") from exc
    if isinstance(data, dict):
        data = data.get("tokens")
    if not isinstance(data, list) or not data:
        raise ServiceError("Send a non-empty list of reports.", field="tokens", code="invalid")
    if len(data) > MAX_TOKENS_PER_REPORT:
        raise ServiceError(
            f"At most {MAX_TOKENS_PER_REPORT} tokens per report.", field="tokens", code="too_many"
        )
    reports = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("token"), str):
            raise ServiceError(
                f"Item {index} needs a 'token' string.", field=f"tokens[{index}].token"
            )
        url = item.get("url", "")
        if not isinstance(url, str) or not url.strip():
            raise ServiceError(
                f"Item {index} needs the 'url' where the token was found.",
                field=f"tokens[{index}].url",
            )
        reports.append(
            ReportedToken(
                token=item["token"].strip(),
                url=url.strip()[:500],
                source=str(item.get("source", ""))[:100],
            )
        )
    return reports


@transaction.atomic
def token_reports_process(*, body: bytes, signature: str, timestamp: str) -> list[dict]:
    """Verify, refuse replays, revoke each live token reported; one result per item."""
    delivery = report_verify(body=body, signature=signature, timestamp=timestamp)
    reports = report_parse(body)
    try:
        with transaction.atomic():
            receipt = TokenReportReceipt.objects.create(
                signature_sha256=delivery, reported=len(reports)
            )
    except IntegrityError as exc:
        raise Conflict("This delivery was already processed.", code="replayed") from exc
    results = []
    for report in reports:
        results.append(
            {
                "token_prefix": report.token[: token_format.DISPLAY_PREFIX_LENGTH],
                "url": report.url,
                "result": _handle(report),
            }
        )
    receipt.revoked = sum(1 for r in results if r["result"] == Result.REVOKED)
    receipt.save(update_fields=["revoked"])
    return results


def _handle(report: ReportedToken) -> str:
    raw = report.token
    if not (token_format.is_well_formed(raw) and token_format.has_valid_checksum(raw)):
        return Result.UNKNOWN
    token = (
        AccessToken.objects.select_related("tester__user")
        .filter(token_hash=token_format.hash_token(raw))
        .first()
    )
    if token is None:
        return Result.UNKNOWN
    if token.status == AccessToken.Status.REVOKED or token.is_expired:
        return Result.ALREADY_INACTIVE
    token_revoke(
        token=token,
        reason=f"Found in public at {report.url}",
        actor_label=REPORTER,
        data={"url": report.url, "source": report.source},
    )
    notify(
        user=token.tester.user,
        kind="security.token_reported",
        title=f"Your token “{token.name}” was found in public and revoked",
        body=(
            f"A secret scanner found your token {token.prefix}… at {report.url}"
            f"{f' ({report.source})' if report.source else ''}. It no longer works. Create a "
            "new token in the portal and keep it out of web pages and public repositories."
        ),
        url=TOKENS_URL,
    )
    return Result.REVOKED


def receipts_prune() -> int:
    """Receipts only matter while their timestamp could still pass the tolerance."""
    horizon = timezone.now() - timedelta(
        seconds=settings.ATELIER_TOKEN_REPORT_TOLERANCE_SECONDS * 2
    )
    deleted, _ = TokenReportReceipt.objects.filter(received_at__lt=horizon).delete()
    return deleted
