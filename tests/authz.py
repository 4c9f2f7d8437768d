"""Route discovery and response symbols for the authorization matrix (tests/test_authorization_matrix.py).

Kept apart from the table so the table file stays a table.
"""

import inspect
from dataclasses import dataclass
from urllib.parse import urlparse

import yaml
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve as static_serve

# Mounted by Django or by DEBUG-only helpers; not part of Atelier's own surface.
SKIPPED_PREFIXES = ("admin/",)
API_PREFIXES = ("api/", "v1/")
IGNORED_METHODS = {"OPTIONS", "HEAD", "TRACE"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route text when the pattern has no name
    route: str  # e.g. "api/testers/<int:pk>/"
    methods: tuple[str, ...]
    methods_declared: bool  # False: a function view that does not say which methods it takes

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIXES)


def _declared_methods(view) -> list[str] | None:
    """Methods named by Django's `require_http_methods` family anywhere in the decorator chain."""
    fn = view
    while fn is not None:
        try:
            nonlocals = inspect.getclosurevars(fn).nonlocals
        except TypeError:
            nonlocals = {}
        if "request_method_list" in nonlocals:
            return [m.upper() for m in nonlocals["request_method_list"]]
        fn = getattr(fn, "__wrapped__", None)
    return None


def view_methods(callback) -> tuple[tuple[str, ...], bool]:
    actions = getattr(callback, "actions", None)  # DRF viewsets from a router
    if actions:
        return tuple(sorted(m.upper() for m in actions)), True
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        methods = [
            m.upper()
            for m in cls.http_method_names
            if hasattr(cls, m) and m.upper() not in IGNORED_METHODS
        ]
        return tuple(methods), True
    declared = _declared_methods(callback)
    if declared is not None:
        return tuple(m for m in declared if m not in IGNORED_METHODS), True
    # A bare function view answers whatever it is sent; the two a browser sends are checked.
    return ("GET", "POST"), False


def discover_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if text.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                spaces = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, text, spaces)
            elif isinstance(pattern, URLPattern):
                if pattern.callback is static_serve or text.startswith(("^static/", "^media/")):
                    continue
                name = ":".join([*namespaces, pattern.name]) if pattern.name else text
                methods, declared = view_methods(pattern.callback)
                routes.append(Route(name, text, methods, declared))

    walk(get_resolver().url_patterns, "", [])
    return routes


# --- Symbols used in the table ------------------------------------------------------------------

SYMBOLS = {
    "ok": "any 2xx",
    "login": "302 to the sign-in page",
    "deny": "403 or 404 (refused without saying whether the object exists)",
    "-": "not checked (token columns on web routes)",
}


def symbol_matches(symbol: str, response) -> bool:
    status = response.status_code
    if symbol == "ok":
        return 200 <= status < 300
    if symbol == "deny":
        return status in (403, 404)
    if symbol == "login":
        return status == 302 and urlparse(response["Location"]).path == reverse("login")
    if symbol.isdigit():
        return status == int(symbol)
    raise ValueError(f"Unknown symbol {symbol!r}; use one of {sorted(SYMBOLS)} or a status code.")


def describe(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return f"{status}→{urlparse(response['Location']).path}"
    if status >= 500 and getattr(response, "exc_info", None):
        return f"{status} ({response.exc_info[1]!r})"[:160]
    return str(status)


def has_error_envelope(response) -> bool:
    """The body (JSON, or YAML where the client negotiated the schema's YAML) has the envelope."""
    try:
        error = yaml.safe_load(response.content)["error"]
    except (yaml.YAMLError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"message", "type", "param", "code"} <= set(error)
