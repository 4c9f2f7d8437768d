"""Errors raised by services; the API turns them into the JSON envelope, views into messages."""


class ServiceError(Exception):
    """A business rule refused the request. `field` names the input at fault, if any."""

    status_code = 400
    default_code = "invalid_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        if status_code is not None:
            self.status_code = status_code


class NotAllowed(ServiceError):
    status_code = 403
    default_code = "permission_denied"


class Conflict(ServiceError):
    status_code = 409
    default_code = "conflict"


class Unavailable(ServiceError):
    status_code = 503
    default_code = "unavailable"
