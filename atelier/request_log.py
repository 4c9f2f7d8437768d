"""Request ids and one structured access-log line per request.

Every request gets an id (a sane incoming `X-Request-ID` from the proxy, or a new one). It is sent
back in the response header and attached to every log record emitted while the request runs, so
one grep finds all lines of one request across web and JSON logs.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

access_logger = logging.getLogger("atelier.access")
_request_id: ContextVar[str] = ContextVar("atelier_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
QUIET_PATHS = ("/static/", "/healthz")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, empty outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if not request.path.startswith(QUIET_PATHS):
                self._log(request, response.status_code, started)
            return response
        finally:
            _request_id.reset(token)

    @staticmethod
    def _log(request, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        auth = getattr(request, "auth", None)
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "token_prefix": getattr(auth, "prefix", None),
            },
        )
