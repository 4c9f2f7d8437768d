"""What happens on every token request after the token itself checked out.

In order: record usage and bump the counters (per token, per tester, and per token and
network for this minute) with one commit, the browser-origin rule, the spread rule (a query only
on the first request this minute from a network other than the token's previous one), the
rate limits, the volume-spike check (only when the token's count for the minute crosses a
threshold), and the last-used stamp (once a minute).
"""

from datetime import timedelta

from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMinute
from django.utils import timezone
from rest_framework import exceptions

from program.access import ratelimit, token_format
from program.access.limits import security_for
from program.access.lookup import usage_record_and_count
from program.access.models import AccessToken, SecurityFlag, TokenQuarantine, TokenUsage
from program.access.network import client_ip, host_of, network_of
from program.access.services import security_flag_raise, token_quarantine

LAST_USED_WRITE_INTERVAL = timedelta(seconds=60)
SPIKE_BASELINE_DAYS = 7
QUARANTINED_MESSAGE = (
    "This token was quarantined because it looked leaked. Create a new token in "
    "the portal (Tokens); the evidence is shown there."
)


class TokenQuarantined(exceptions.PermissionDenied):
    def __init__(self):
        super().__init__(QUARANTINED_MESSAGE, code="token_quarantined")


class RateLimited(exceptions.Throttled):
    default_code = "rate_limited"


def token_request_check(*, token: AccessToken, request) -> None:
    """Run the leak rules and rate limits for one authenticated token request."""
    now = timezone.now()
    ip = client_ip(request)
    network = network_of(ip)
    headers = request.META
    origin = headers.get("HTTP_ORIGIN", "")[:200]
    fetch_site = headers.get("HTTP_SEC_FETCH_SITE", "")
    referer = headers.get("HTTP_REFERER", "")[:300]
    match = getattr(request, "resolver_match", None)
    window = ratelimit.current_window()
    # The prefix's random part keeps keys apart if ids are ever reused (e.g. a reset database).
    token_key = f"{token.pk}:{token.prefix[len(token_format.PREFIX) :]}"
    keys = [f"tok:{token_key}", f"tst:{token.tester_id}"]
    if network:
        keys.append(f"net:{token_key}:{network}")
    counts = usage_record_and_count(
        {
            "token_id": token.pk,
            "tester_id": token.tester_id,
            "created_at": now,
            "ip_address": ip,
            "network": network,
            "method": request.method[:8],
            "route": (match.route if match else request.path)[:200],
            "user_agent": headers.get("HTTP_USER_AGENT", "")[:300],
            "origin": origin,
            "referer": referer,
        },
        keys,
        window=window,
    )
    program = token.tester.program
    security = security_for(program)

    if security.quarantine_on_origin and is_foreign_origin(
        origin=origin,
        fetch_site=fetch_site,
        referer=referer,
        allowlist=security.origin_allowlist,
        own_host=request.get_host().split(":")[0].lower(),
    ):
        token_quarantine(
            token=token,
            rule=TokenQuarantine.Rule.ORIGIN,
            evidence={
                "origin": origin,
                "sec_fetch_site": fetch_site,
                "referer": referer,
                "ip": ip,
                "network": network,
                "user_agent": headers.get("HTTP_USER_AGENT", "")[:300],
                "at": now.isoformat(timespec="seconds"),
            },
        )
        raise TokenQuarantined()

    token_count, tester_count = counts[keys[0]], counts[keys[1]]
    # Count the token's networks only on the first request from a network this minute, and
    # only when it is not the network of the token's previous request.
    if network and counts[keys[2]] == 1 and network != network_of(token.last_used_ip):
        _spread_check(token=token, security=security, now=now)
    if token_count == security.spike_min_per_minute:
        _spike_check(token=token, security=security, now=now, minute_count=token_count)
    if token_count > security.requests_per_minute_per_token:
        raise _limited("token", security.requests_per_minute_per_token, window)
    if tester_count > security.requests_per_minute_per_tester:
        raise _limited("tester", security.requests_per_minute_per_tester, window)
    _touch(token, ip=ip, now=now)


def is_foreign_origin(
    *, origin: str, fetch_site: str, referer: str, allowlist: list[str], own_host: str
) -> bool:
    """A browser page on a site not on the allowlist is using the token."""
    if origin:
        host = host_of(origin)
    elif fetch_site.lower() == "cross-site":
        host = host_of(referer)
    else:
        return False
    if not host:  # "Origin: null" (sandboxed page, file://) or a cross-site call with no referrer
        return True
    return not host_allowed(host, allowlist=allowlist, own_host=own_host)


def host_allowed(host: str, *, allowlist: list[str], own_host: str) -> bool:
    from django.conf import settings

    if host in (own_host, host_of(settings.SITE_URL)):
        return True
    for entry in allowlist:
        if entry.startswith("*.") and (host == entry[2:] or host.endswith(entry[1:])):
            return True
        if host == entry:
            return True
    return False


def _spread_check(*, token: AccessToken, security, now) -> None:
    since = now - timedelta(minutes=security.spread_window_minutes)
    networks = list(
        TokenUsage.objects.filter(token_id=token.pk, created_at__gte=since)
        .exclude(network="")
        .values("network")
        .annotate(requests=Count("id"), first_seen=Min("created_at"), last_seen=Max("created_at"))
        .order_by("first_seen")
    )
    if len(networks) <= security.spread_max_networks:
        return
    token_quarantine(
        token=token,
        rule=TokenQuarantine.Rule.SPREAD,
        evidence={
            "window_minutes": security.spread_window_minutes,
            "max_networks": security.spread_max_networks,
            "networks": [
                {
                    "network": row["network"],
                    "requests": row["requests"],
                    "first_seen": row["first_seen"].isoformat(timespec="seconds"),
                    "last_seen": row["last_seen"].isoformat(timespec="seconds"),
                }
                for row in networks
            ],
            "at": now.isoformat(timespec="seconds"),
        },
    )
    raise TokenQuarantined()


def _spike_check(*, token: AccessToken, security, now, minute_count: int) -> None:
    """Compare this minute with the owner's usual rate per active minute (flag only)."""
    since = now - timedelta(days=SPIKE_BASELINE_DAYS)
    recent = now - timedelta(minutes=10)
    history = TokenUsage.objects.filter(
        tester_id=token.tester_id, created_at__gte=since, created_at__lt=recent
    ).aggregate(requests=Count("id"), minutes=Count(TruncMinute("created_at"), distinct=True))
    usual = history["requests"] / history["minutes"] if history["minutes"] else 0.0
    if minute_count <= security.spike_factor * usual:
        return
    security_flag_raise(
        token=token,
        kind=SecurityFlag.Kind.VOLUME_SPIKE,
        evidence={
            "requests_this_minute": minute_count,
            "usual_per_active_minute": round(usual, 2),
            "factor": security.spike_factor,
            "at": now.isoformat(timespec="seconds"),
        },
    )


def _limited(scope: str, limit: int, window: ratelimit.Window) -> RateLimited:
    return RateLimited(
        wait=window.retry_after,
        detail=(
            f"Rate limit reached: at most {limit} requests per minute per {scope}. "
            f"Retry in {window.retry_after} s."
        ),
        code="rate_limited",
    )


def _touch(token: AccessToken, *, ip: str | None, now) -> None:
    if (
        token.last_used_at is None
        or now - token.last_used_at >= LAST_USED_WRITE_INTERVAL
        or token.last_used_ip != ip
    ):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
