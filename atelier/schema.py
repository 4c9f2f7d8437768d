"""OpenAPI post-processing: every operation documents the JSON error envelope it can answer with.

Views declare their success responses; the errors come from one place (atelier/api.py), so they
are declared in one place too. A status a view already declares is left alone.
"""

ENVELOPE = "ErrorEnvelope"
ENVELOPE_SCHEMA = {
    "type": "object",
    "description": "Every API error, shaped like OpenAI's.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "param", "code"],
            "properties": {
                "message": {"type": "string", "description": "What went wrong, for a person."},
                "type": {
                    "type": "string",
                    "description": "Error class, e.g. invalid_request_error.",
                },
                "param": {
                    "type": "string",
                    "nullable": True,
                    "description": "The input field at fault, if any.",
                },
                "code": {
                    "type": "string",
                    "nullable": True,
                    "description": "Stable machine-readable reason.",
                },
                "fields": {
                    "type": "object",
                    "description": "Validation errors: field name to messages.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
DESCRIPTIONS = {
    "400": "The request is malformed or a field is invalid (`param` names it).",
    "401": "No valid credentials (missing, malformed, unknown, revoked or expired token).",
    "403": "Authenticated, but this role, token scope or token state does not allow it.",
    "404": "Not found, or not yours.",
    "409": "The request conflicts with the current state.",
    "415": "Unsupported request content type.",
    "429": "Rate limit or quota reached; see `Retry-After`.",
    "503": "Temporarily unavailable (for example, the program is paused).",
}
UNSAFE = {"post", "put", "patch", "delete"}


def _is_public(operation: dict) -> bool:
    security = operation.get("security")
    return security is not None and all(not requirement for requirement in security)


def _error_statuses(method: str, operation: dict) -> list[str]:
    statuses = ["400", "429"]
    if not _is_public(operation):
        statuses += ["401", "403", "404"]
    if method in UNSAFE:
        statuses += ["409", "415", "503"]
    return statuses


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ENVELOPE, ENVELOPE_SCHEMA)
    reference = {"$ref": f"#/components/schemas/{ENVELOPE}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            statuses = _error_statuses(method, operation)
            if "{" in path and "404" not in statuses:
                statuses.append("404")
            for status in statuses:
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


VISIBLE_TEXT = r"\S"


def _require_visible_text(schema: dict) -> None:
    if (
        schema.get("type") == "string"
        and schema.get("minLength", 0) >= 1
        and not ({"format", "enum", "pattern"} & schema.keys())
    ):
        schema["pattern"] = VISIBLE_TEXT
    for child in (schema.get("properties") or {}).values():
        _require_visible_text(child)
    if isinstance(schema.get("items"), dict):
        _require_visible_text(schema["items"])


def require_visible_text(result, generator, request, public):
    """Say in the schema that required text must not be only whitespace.

    DRF trims text before its blank check, so `"\\v"` is refused as blank although it satisfies
    `minLength: 1`; the pattern makes the documented contract the one the server enforces.
    """
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _require_visible_text(schema)
    return result
