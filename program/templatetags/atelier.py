from django import template

from atelier.markdown import render_markdown
from program.countries import COUNTRIES

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.filter
def country_name(code: str) -> str:
    return COUNTRIES.get((code or "").upper(), code)


@register.filter
def status_class(status: str) -> str:
    return f"badge badge-{status}"


@register.filter
def humanize_key(value: str) -> str:
    """`first_response` → `First response`."""
    return str(value).replace("_", " ").capitalize()


@register.filter
def money(amount_minor, currency: str = "USD") -> str:
    """`25000|money:"USD"` → `$250.00`: minor units read as people read money."""
    from payments.money import format_minor

    try:
        return format_minor(int(amount_minor), currency or "USD")
    except (TypeError, ValueError):
        return ""
