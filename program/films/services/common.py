"""Small helpers the film services share."""

import re

from django.urls import reverse

from atelier.errors import ServiceError
from program.films.models import Film
from program.services.notifications import notify

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError("This field is required.", field=field, code="required")
    if len(value) > max_length:
        raise ServiceError(f"At most {max_length} characters.", field=field, code="too_long")
    return value


def clean_money(*, amount_minor, currency: str, amount_field: str = "fee_minor") -> tuple[int, str]:
    """Money is an integer count of minor units and an ISO 4217 code; never a float."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ServiceError(
            "Give the amount as a whole number of minor units (cents).",
            field=amount_field,
            code="invalid",
        )
    if amount_minor < 0:
        raise ServiceError("The amount cannot be negative.", field=amount_field, code="invalid")
    currency = (currency or "").strip().upper()
    if not CURRENCY_RE.match(currency):
        raise ServiceError(
            "Use a three-letter ISO 4217 currency code.", field="currency", code="invalid"
        )
    return amount_minor, currency


def notify_artist(film: Film, *, kind: str, title: str, body: str = "") -> None:
    """Tell the film's artist about something that concerns them (kinds `film.*`)."""
    notify(
        user=film.tester.user,
        kind=kind,
        title=title,
        body=body,
        url=reverse("films-detail", args=[film.pk]),
    )
