"""Small input cleaners shared by services; each error names its field."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from atelier.errors import ServiceError
from program.countries import COUNTRIES


def clean_email(email: str, *, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError(
            f"'{email}' is not a valid email address.", field=field, code="invalid"
        ) from exc
    return email


def clean_country(country: str, *, field: str = "country") -> str:
    code = (country or "").strip().upper()
    if code not in COUNTRIES:
        raise ServiceError(
            f"'{country}' is not an ISO 3166-1 alpha-2 country code (for example FR, NG, JP).",
            field=field,
            code="invalid_country",
        )
    return code


def clean_portfolio_links(links: Iterable[str], *, field: str = "portfolio_links") -> list[str]:
    if isinstance(links, str):
        links = [part for part in links.replace(",", " ").split() if part]
    cleaned = []
    validator = URLValidator(schemes=["http", "https"])
    for link in links:
        link = link.strip()
        try:
            validator(link)
        except ValidationError as exc:
            raise ServiceError(
                f"'{link}' is not an http(s) URL.", field=field, code="invalid_url"
            ) from exc
        cleaned.append(link)
    if len(cleaned) > 10:
        raise ServiceError("At most 10 portfolio links.", field=field, code="too_many")
    return cleaned
