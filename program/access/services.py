from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from program.access import token_format
from program.access.audit import audit_record
from program.access.limits import security_defaults
from program.access.models import (
    AccessToken,
    ProgramSecurity,
    Scope,
    SecurityFlag,
    TokenQuarantine,
)
from program.models import Program, Tester
from program.services.notifications import notify

TOKENS_URL = "/portal/tokens/"


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
    ip_address: str | None = None,
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
    audit_record(
        action="token.created",
        actor=created_by,
        ip_address=ip_address,
        target=token,
        subject_tester=tester,
        data={"prefix": token.prefix, "scopes": scopes, "expires_at": expires_at.isoformat()},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(
    *,
    token: AccessToken,
    reason: str = "",
    actor=None,
    actor_label: str = "",
    ip_address: str | None = None,
    data: dict | None = None,
) -> AccessToken:
    """Revoke a token; the next request with it fails in every process (no cache)."""
    token = AccessToken.objects.select_for_update().select_related("tester").get(pk=token.pk)
    if token.status == AccessToken.Status.REVOKED:
        return token
    token.status = AccessToken.Status.REVOKED
    token.revoked_at = timezone.now()
    token.revoked_reason = reason
    token.save(update_fields=["status", "revoked_at", "revoked_reason"])
    audit_record(
        action="token.revoked",
        actor=actor,
        actor_label=actor_label,
        ip_address=ip_address,
        target=token,
        subject_tester=token.tester,
        reason=reason,
        data={"prefix": token.prefix, **(data or {})},
    )
    return token


@transaction.atomic
def token_rotate(*, token: AccessToken, actor, ip_address: str | None = None) -> IssuedToken:
    """Replace a token by a new one with the same name and scopes, and revoke the old one."""
    if token.status == AccessToken.Status.REVOKED:
        raise Conflict("This token is already revoked; create a new one.", code="token_revoked")
    issued = token_issue(
        tester=token.tester,
        name=token.name,
        scopes=token.scopes,
        created_by=actor,
        ip_address=ip_address,
    )
    token_revoke(
        token=token,
        reason="Rotated",
        actor=actor,
        ip_address=ip_address,
        data={"replaced_by": issued.token.pk},
    )
    return issued


@transaction.atomic
def token_quarantine(
    *, token: AccessToken, rule: str, evidence: dict, actor=None, reason: str = ""
) -> TokenQuarantine | None:
    """Take one token out of use because it looks leaked; nothing else is touched.

    Returns None when the token was no longer active (another request got there first).
    """
    token = (
        AccessToken.objects.select_for_update()
        .select_related("tester__user")
        .filter(pk=token.pk, status=AccessToken.Status.ACTIVE)
        .first()
    )
    if token is None:
        return None
    token.status = AccessToken.Status.QUARANTINED
    token.save(update_fields=["status"])
    quarantine = TokenQuarantine.objects.create(token=token, rule=rule, evidence=evidence)
    label = TokenQuarantine.Rule(rule).label
    audit_record(
        action="token.quarantined",
        actor=actor,
        actor_label="" if actor else "leak detection",
        target=token,
        subject_tester=token.tester,
        reason=reason or label,
        data={"prefix": token.prefix, "rule": rule, "quarantine": quarantine.pk},
    )
    notify(
        user=token.tester.user,
        kind="security.token_quarantined",
        title=f"Your token “{token.name}” was quarantined",
        body=(
            f"Atelier stopped accepting your token {token.prefix}… because it looked leaked: "
            f"{label.lower()}.\n\n{evidence_summary(evidence)}\n\n"
            "Nothing else changed: your other tokens and your account keep working. Create a "
            "new token in the portal and keep it on servers and in scripts, never in a web page. "
            "If this was you, program staff can release the token."
        ),
        url=TOKENS_URL,
    )
    return quarantine


def evidence_summary(evidence: dict) -> str:
    """Plain-text lines for the owner's notice."""
    lines = []
    if evidence.get("origin") or evidence.get("sec_fetch_site"):
        lines.append(
            f"Origin: {evidence.get('origin') or '—'} (Sec-Fetch-Site: "
            f"{evidence.get('sec_fetch_site') or '—'}), at {evidence.get('at', '')}, "
            f"from network {evidence.get('network') or '—'}."
        )
    for network in evidence.get("networks", []):
        lines.append(
            f"Network {network['network']}: {network['requests']} request(s), "
            f"{network['first_seen']} to {network['last_seen']}."
        )
    return "\n".join(lines) or "See the portal for details."


@transaction.atomic
def token_release(
    *, quarantine: TokenQuarantine, actor, reason: str, ip_address: str | None = None
) -> TokenQuarantine:
    """Staff decide the quarantine was a false positive; the token works again."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Say why the token is released.", field="reason", code="required")
    quarantine = (
        TokenQuarantine.objects.select_for_update()
        .select_related("token__tester__user")
        .get(pk=quarantine.pk)
    )
    token = quarantine.token
    if quarantine.released_at is not None:
        raise Conflict("This quarantine was already released.", code="already_released")
    if token.status != AccessToken.Status.QUARANTINED:
        raise Conflict(
            "The token is no longer quarantined (it was revoked).", code="token_not_quarantined"
        )
    now = timezone.now()
    quarantine.released_at = now
    quarantine.released_by = actor
    quarantine.release_reason = reason
    quarantine.save(update_fields=["released_at", "released_by", "release_reason"])
    AccessToken.objects.filter(pk=token.pk).update(status=AccessToken.Status.ACTIVE)
    token.status = AccessToken.Status.ACTIVE
    audit_record(
        action="token.released",
        actor=actor,
        ip_address=ip_address,
        target=token,
        subject_tester=token.tester,
        reason=reason,
        data={"prefix": token.prefix, "quarantine": quarantine.pk},
    )
    notify(
        user=token.tester.user,
        kind="security.token_released",
        title=f"Your token “{token.name}” works again",
        body=f"Program staff released the quarantine: {reason}",
        url=TOKENS_URL,
    )
    return quarantine


@transaction.atomic
def security_flag_raise(*, token: AccessToken, kind: str, evidence: dict) -> SecurityFlag | None:
    """Record something for staff review, at most one open flag of a kind per token."""
    if SecurityFlag.objects.filter(token=token, kind=kind, resolved_at__isnull=True).exists():
        return None
    flag = SecurityFlag.objects.create(token=token, kind=kind, evidence=evidence)
    audit_record(
        action="token.flagged",
        actor_label="leak detection",
        target=token,
        subject_tester=token.tester,
        reason=SecurityFlag.Kind(kind).label,
        data={"prefix": token.prefix, "flag": flag.pk, **evidence},
    )
    return flag


@transaction.atomic
def security_flag_resolve(
    *, flag: SecurityFlag, actor, resolution: str, ip_address: str | None = None
) -> SecurityFlag:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError("Say what you found.", field="resolution", code="required")
    flag = SecurityFlag.objects.select_for_update().select_related("token").get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise Conflict("This flag was already resolved.", code="already_resolved")
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.resolution = resolution
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        action="token.flag_resolved",
        actor=actor,
        ip_address=ip_address,
        target=flag.token,
        subject_tester=flag.token.tester,
        reason=resolution,
        data={"flag": flag.pk},
    )
    return flag


SECURITY_FIELDS = tuple(security_defaults())


@transaction.atomic
def program_security_update(
    *, program: Program, actor, ip_address: str | None = None, **values
) -> ProgramSecurity:
    """Change a program's thresholds and limits; every change is audited."""
    unknown = set(values) - set(SECURITY_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown setting {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    if "origin_allowlist" in values:
        values["origin_allowlist"] = clean_allowlist(values["origin_allowlist"])
    for name, value in values.items():
        if name in ("origin_allowlist", "quarantine_on_origin"):
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ServiceError(f"{name} must be a whole number of at least 1.", field=name)
    security, _ = ProgramSecurity.objects.select_for_update().get_or_create(
        program=program, defaults=security_defaults()
    )
    before = {name: getattr(security, name) for name in values}
    for name, value in values.items():
        setattr(security, name, value)
    security.updated_at = timezone.now()
    security.updated_by = actor
    security.save()
    changed = {
        name: [before[name], value] for name, value in values.items() if before[name] != value
    }
    if changed:
        audit_record(
            action="program.security_changed",
            actor=actor,
            ip_address=ip_address,
            target=program,
            data={"changed": changed},
        )
    return security


def clean_allowlist(entries) -> list[str]:
    """Hosts, optionally `*.example.org`; full origins are reduced to their host."""
    from program.access.network import host_of

    if isinstance(entries, str):
        entries = entries.replace(",", "\n").splitlines()
    hosts = []
    for entry in entries or []:
        entry = str(entry).strip().lower()
        if not entry:
            continue
        wildcard = entry.startswith("*.")
        host = host_of(entry[2:] if wildcard else entry)
        if not host or " " in host or ("." not in host and host != "localhost"):
            raise ServiceError(
                f"'{entry}' is not a host name.", field="origin_allowlist", code="invalid_host"
            )
        hosts.append(f"*.{host}" if wildcard else host)
    return list(dict.fromkeys(hosts))
