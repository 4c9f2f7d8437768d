"""One JSON error envelope for the whole API, shaped like OpenAI's so SDKs can read it.

    {"error": {"message": str, "type": str, "param": str | null, "code": str | null}}

Validation errors add "fields": {name: [messages]}; "param" is the first failing field.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from atelier.errors import ServiceError

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    406: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
    503: "service_unavailable_error",
}


def error_body(
    *, status_code: int, message: str, code: str | None, param: str | None = None, **extra: Any
) -> dict:
    error = {
        "message": message,
        "type": ERROR_TYPES.get(status_code, "server_error" if status_code >= 500 else "error"),
        "param": param,
        "code": code,
    }
    error.update(extra)
    return {"error": error}


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _validation_body(detail: Any) -> dict:
    if isinstance(detail, dict) and detail:
        fields = {name: _flatten(value) for name, value in detail.items()}
        param = next(iter(fields))
        first = fields[param][0] if fields[param] else "Invalid value."
        if param == "non_field_errors":
            return error_body(
                status_code=400, message=first, code="invalid", param=None, fields=fields
            )
        return error_body(
            status_code=400, message=f"{param}: {first}", code="invalid", param=param, fields=fields
        )
    messages = _flatten(detail) or ["Invalid request."]
    return error_body(status_code=400, message=messages[0], code="invalid")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ServiceError):
        body = error_body(
            status_code=exc.status_code, message=exc.message, code=exc.code, param=exc.field
        )
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response(_validation_body(detail), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
        return response
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        message = str(detail) if not isinstance(detail, dict | list) else _flatten(detail)[0]
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response.status_code = status.HTTP_401_UNAUTHORIZED
            response["WWW-Authenticate"] = 'Bearer realm="atelier"'
        response.data = error_body(status_code=response.status_code, message=message, code=code)
    return response


def json_error_response(*, status_code: int, message: str, code: str) -> JsonResponse:
    return JsonResponse(
        error_body(status_code=status_code, message=message, code=code), status=status_code
    )


# --- Strict input: what the schema says is what the server takes ----------------------------------
_BOOLEANS = {"true": True, "false": False}


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of quietly turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def query_bool(request, name: str, *, default: bool = False) -> bool:
    """`?name=true|false`; anything else is a 400 naming the parameter."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() not in _BOOLEANS:
        raise exceptions.ValidationError({name: ["Use true or false."]})
    return _BOOLEANS[raw.lower()]


def query_choice(request, name: str, choices) -> str:
    """`?name=<one of choices>`, or "" when absent; anything else is a 400 naming the parameter."""
    raw = request.query_params.get(name)
    if raw is None:
        return ""
    if raw not in choices:
        raise exceptions.ValidationError({name: [f"Use one of: {', '.join(choices)}."]})
    return raw
