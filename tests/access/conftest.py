import json
import time

import pytest

from program.access.reports import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

REPORT_SECRET = "test-report-secret-0123456789"


@pytest.fixture
def report_secret(settings):
    settings.ATELIER_TOKEN_REPORT_SECRET = REPORT_SECRET
    return REPORT_SECRET


def signed_report(items, *, secret: str = REPORT_SECRET, timestamp: int | None = None):
    """Body bytes and headers (as Django test-client META keys) for a token report."""
    body = json.dumps(items).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = sign(secret=secret, timestamp=stamp, body=body)
    meta = {
        "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"): signature,
        "HTTP_" + TIMESTAMP_HEADER.upper().replace("-", "_"): stamp,
    }
    return body, meta


@pytest.fixture
def proxied(settings):
    """Trust one proxy, so tests can place clients on networks with X-Forwarded-For."""
    settings.ATELIER_TRUSTED_PROXIES = 1


def from_ip(ip: str) -> dict:
    return {"HTTP_X_FORWARDED_FOR": ip, "REMOTE_ADDR": "10.0.0.1"}
