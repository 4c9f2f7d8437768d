"""Error pages: JSON under /api/ and /v1/, HTML elsewhere."""

from django.shortcuts import render

from atelier.api import json_error_response


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/v1/"))


def _error(request, *, status: int, code: str, message: str, exception=None):
    if _is_api(request):
        return json_error_response(status_code=status, message=message, code=code)
    detail = str(exception) if exception and status in (403, 404) and str(exception) else ""
    return render(
        request,
        "error.html",
        {"status": status, "message": message, "detail": detail},
        status=status,
    )


def not_found(request, exception=None):
    return _error(request, status=404, code="not_found", message="Not found.", exception=exception)


def forbidden(request, exception=None):
    return _error(
        request,
        status=403,
        code="permission_denied",
        message="You do not have permission to open this page.",
        exception=exception,
    )


def bad_request(request, exception=None):
    return _error(request, status=400, code="bad_request", message="Bad request.")


def server_error(request):
    return _error(
        request, status=500, code="server_error", message="Something went wrong on our side."
    )
