from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from atelier.errors import ServiceError
from program.access import token_format
from program.access.models import AccessToken, Scope
from program.models import Tester


@dataclass(frozen=True)
class IssuedToken:
    token: AccessToken
    secret: str  # shown once, never stored


def _validate_scopes(scopes: Iterable[str]) -> list[str]:
    scopes = list(dict.fromkeys(scopes))
    if not scopes:
        raise ServiceError("Choose at least one scope.", field="scopes", code="scopes_required")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ServiceError(
            f"Unknown scope(s): {', '.join(unknown)}. Known: {', '.join(Scope.values)}.",
            field="scopes",
            code="unknown_scope",
        )
    return scopes


@transaction.atomic
def token_issue(
    *,
    tester: Tester,
    name: str,
    scopes: Iterable[str],
    expires_in_days: int | None = None,
    created_by=None,
) -> IssuedToken:
    """Mint a token for a tester. The expiry never reaches past the program's end."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the token a name.", field="name", code="name_required")
    if len(name) > 80:
        raise ServiceError("The name is at most 80 characters.", field="name", code="name_too_long")
    scopes = _validate_scopes(scopes)
    days = settings.ATELIER_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= 366:
        raise ServiceError(
            "Expiry must be between 1 and 366 days.", field="expires_in_days", code="bad_expiry"
        )
    if tester.status not in (Tester.Status.ACTIVE, Tester.Status.ONBOARDING):
        raise ServiceError(
            "Only active testers can hold tokens.", code="tester_inactive", status_code=403
        )
    now = timezone.now()
    program_end = timezone.make_aware(
        timezone.datetime.combine(tester.program.ends_on, timezone.datetime.max.time())
    )
    expires_at = min(now + timedelta(days=days), program_end)
    if expires_at <= now:
        raise ServiceError("The program has ended.", code="program_ended", status_code=403)
    secret = token_format.generate()
    token = AccessToken.objects.create(
        tester=tester,
        name=name,
        prefix=token_format.display_prefix(secret),
        token_hash=token_format.hash_token(secret),
        scopes=scopes,
        expires_at=expires_at,
        created_at=now,
        created_by=created_by,
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: AccessToken, reason: str = "", actor=None) -> AccessToken:
    """Revoke a token; the next request with it fails in every process (no cache)."""
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.status == AccessToken.Status.REVOKED:
        return token
    token.status = AccessToken.Status.REVOKED
    token.revoked_at = timezone.now()
    token.revoked_reason = reason
    token.save(update_fields=["status", "revoked_at", "revoked_reason"])
    return token
