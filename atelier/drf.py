"""DRF classes named in settings (REST_FRAMEWORK). Kept apart from atelier/api.py, which imports
rest_framework.views: DRF resolves these names while building APIView, so they must not depend on it.
"""

import re

from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser

_WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


class ObjectJSONParser(JSONParser):
    """JSON bodies must be objects: `[null]` or `3` is a 400 here, never a 500 in a view."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError('The JSON body must be an object, e.g. {"prompt": "…"}.')
        return data


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
