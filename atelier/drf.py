"""DRF classes named in settings (REST_FRAMEWORK). Kept apart from atelier/api.py, which imports
rest_framework.views: DRF resolves these names while building APIView, so they must not depend on it.
"""

import re

from django.http import QueryDict
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser, get_encoding

_WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


class ObjectJSONParser(JSONParser):
    """JSON bodies must be objects: `[null]` or `3` is a 400 here, never a 500 in a view."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError('The JSON body must be an object, e.g. {"prompt": "…"}.')
        return data


class StrictFormParser(FormParser):
    """A urlencoded body must be `name=value` pairs; `[1, 2]` or `"text"` is a 400.

    QueryDict reads any text as a form (`[{"a": 1}]` becomes one odd, empty key), so a view
    whose fields are all optional would otherwise accept JSON sent as a form as an empty form.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        pieces = [piece for piece in raw.split(b"&") if piece]
        if raw.lstrip()[:1] in (b"[", b"{", b'"') or any(b"=" not in p for p in pieces):
            raise exceptions.ParseError(
                "The form body must be name=value pairs (application/x-www-form-urlencoded); "
                "send JSON as application/json."
            )
        return QueryDict(raw, encoding=get_encoding(parser_context or {}))


class StrictMultiPartParser(MultiPartParser):
    """A multipart body with content but no parts is a 400, not an empty form.

    Django reads a body whose parts lack headers (`--b\r\n[1, 2]--b--`) as zero fields, so a
    view whose fields are all optional would accept garbage as if nothing had been sent. An
    empty form (only the closing boundary) is still an empty form.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if result.data or result.files:
            return result
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            length = 0
        boundary = (media_type or "").partition("boundary=")[2].split(";")[0].strip('"')
        closing_only = len(f"--{boundary}--\r\n\r\n")
        if length > closing_only:
            raise exceptions.ParseError(
                "The multipart body holds no form fields: send each field as a part with a "
                'Content-Disposition: form-data; name="…" header.'
            )
        return result


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """limit/offset that refuse what is not a whole number in range, and say so in the schema."""

    max_limit = 500
    max_offset = 1_000_000_000

    def _read(self, request, name: str, minimum: int, maximum: int, default):
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not _WHOLE_NUMBER.fullmatch(raw) or not minimum <= int(raw) <= maximum:
            raise exceptions.ValidationError(
                {name: [f"Use a whole number from {minimum} to {maximum}."]}
            )
        return int(raw)

    def get_limit(self, request):
        return self._read(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, 0, self.max_offset, 0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": self.max_offset},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
