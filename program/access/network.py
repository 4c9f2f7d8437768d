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
