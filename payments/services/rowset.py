"""Many rows as one SQL parameter, so a bulk statement's query count never grows with its size."""

import json
from collections.abc import Sequence

from django.db import connection

# Postgres array type per column type; SQLite reads the same rows from one JSON text.
PG_ARRAY_TYPES = {"bigint": "bigint[]", "integer": "integer[]", "text": "text[]"}


def rows_source(
    *, alias: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence]
) -> tuple[str, list]:
    """A FROM item `alias(column, …)` yielding `rows`, and its parameters.

    Postgres gets one typed array per column (unnest), SQLite one JSON array of rows
    (json_each): either way a single statement, whatever the number of rows.
    """
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{PG_ARRAY_TYPES[kind]}" for _, kind in columns)
        names = ", ".join(name for name, _ in columns)
        params = [[row[i] for row in rows] for i in range(len(columns))]
        return f"unnest({arrays}) AS {alias}({names})", params
    picks = ", ".join(
        f"json_extract(value, '$[{i}]') AS {name}" for i, (name, _) in enumerate(columns)
    )
    rows_json = json.dumps([list(row) for row in rows])
    # Names come from the caller's code, never from input; the rows are a parameter.
    return f"(SELECT {picks} FROM json_each(%s)) AS {alias}", [rows_json]  # noqa: S608
