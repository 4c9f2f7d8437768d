"""Client address resolution that only trusts X-Forwarded-For from configured proxies."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the client IP. `ATELIER_TRUSTED_PROXIES` is how many proxies sit in front."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "ATELIER_TRUSTED_PROXIES", 0)
    if trusted > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # The right-most `trusted` entries were added by our own proxies; the one
        # before them is the client as our outermost proxy saw it.
        if len(forwarded) >= trusted:
            candidate = forwarded[-trusted]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def network_of(ip: str | None) -> str:
    """The client's network as spread detection counts it: /24 for IPv4, /48 for IPv6."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def host_of(value: str) -> str:
    """Host of an Origin/Referer value (`https://x.example:8443/p` → `x.example`)."""
    from urllib.parse import urlsplit

    value = (value or "").strip()
    if not value or value == "null":
        return ""
    if "//" not in value:
        value = f"//{value}"
    try:
        return (urlsplit(value).hostname or "").lower()
    except ValueError:
        return ""
