"""Navigation collected from each app's `nav.py`, so apps add pages without touching the layout.

Each app's nav.py defines ARTIST and STAFF as lists of NavItem.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.urls import NoReverseMatch, reverse

NAV_APPS = (
    "program",
    "generation",
    "program.feedback",
    "program.films",
    "program.access",
    "payments",
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    roles: tuple[str, ...] = field(default_factory=tuple)  # staff items: who sees it


@cache
def _items(kind: str) -> tuple[NavItem, ...]:
    items = []
    for app in NAV_APPS:
        try:
            module = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, kind, []))
    return tuple(sorted(items, key=lambda item: (item.order, item.label)))


def nav_links(kind: str, *, allowed=lambda item: True) -> list[dict]:
    links = []
    for item in _items(kind):
        if not allowed(item):
            continue
        try:
            links.append(
                {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
            )
        except NoReverseMatch:
            continue
    return links


def render_panels(kind: str, request, **context) -> list[str]:
    """Collect HTML panels from each app's nav.py (ARTIST_PANELS / STAFF_PANELS).

    A panel is a function `(request, **context) -> str | None` returning rendered HTML.
    The artist dashboard passes `tester`; the staff overview passes `program`.
    """
    from django.utils.safestring import mark_safe

    html = []
    for app in NAV_APPS:
        try:
            module = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        for panel in getattr(module, kind, []):
            rendered = panel(request, **context)
            if rendered:
                html.append(mark_safe(rendered))  # noqa: S308 - rendered by Django templates
    return html
