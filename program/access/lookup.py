"""The per-request token lookup, without the ORM's per-query compile cost.

Authentication runs on every API request, and compiling the five-table select_related query
took most of its time. The SQL is built once per process from the models' metadata (so it
follows model changes), run with the token hash as its only parameter, and the row is turned
into linked model instances the same way the ORM would. There is still no cache of results:
every request reads the token's current status from the database.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models.expressions import Col

from program.access.models import AccessToken, ProgramSecurity, TokenUsage
from program.models import Program, Tester

# (model, alias, join); the security row may be missing (program on default settings).
_PLAN = (
    (AccessToken, "t", ""),
    (Tester, "te", "INNER JOIN {table} te ON te.id = t.tester_id"),
    (get_user_model(), "u", "INNER JOIN {table} u ON u.id = te.user_id"),
    (Program, "p", "INNER JOIN {table} p ON p.id = te.program_id"),
    (ProgramSecurity, "s", "LEFT OUTER JOIN {table} s ON s.program_id = p.id"),
)


@cache
def _prepared(alias: str):
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns, joins, layout = [], [], []
    for model, table_alias, join in _PLAN:
        fields = list(model._meta.concrete_fields)
        start = len(columns)
        for field in fields:
            columns.append(f"{table_alias}.{quote(field.column)}")
        converters = []
        for offset, field in enumerate(fields):
            expression = Col(table_alias, field)
            functions = connection.ops.get_db_converters(expression) + field.get_db_converters(
                connection
            )
            if functions:
                converters.append((start + offset, functions, expression))
        layout.append((model, start, len(fields), [f.attname for f in fields], converters))
        if join:
            joins.append(join.format(table=quote(model._meta.db_table)))
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(AccessToken._meta.db_table)} t "  # noqa: S608 - identifiers from model metadata, value is a parameter
        f"{' '.join(joins)} WHERE t.{quote('token_hash')} = %s"
    )
    return sql, layout


PG_STATEMENT = "atelier_token_lookup"


def token_by_hash(token_hash: str, *, using: str = "default") -> AccessToken | None:
    """The token with its tester, user, program and program security settings, or None."""
    sql, layout = _prepared(using)
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django binds parameters client-side, so Postgres would plan this five-table join
            # on every request; a statement prepared once per connection skips that.
            raw = connection.connection
            if not getattr(raw, "_atelier_lookup_prepared", False):
                cursor.execute(f"PREPARE {PG_STATEMENT} (text) AS {sql.replace('%s', '$1')}")
                raw._atelier_lookup_prepared = True
            cursor.execute(f"EXECUTE {PG_STATEMENT} (%s)", [token_hash])
        else:
            cursor.execute(sql, [token_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    instances = []
    for model, start, length, attnames, converters in layout:
        for index, functions, expression in converters:
            for function in functions:
                row[index] = function(row[index], expression, connection)
        values = row[start : start + length]
        instances.append(None if values[0] is None else model.from_db(using, attnames, values))
    token, tester, user, program, security = instances
    tester.user = user
    tester.program = program
    token.tester = tester
    program._state.fields_cache[Program.security.related.cache_name] = security
    if security is not None:
        security.program = program
    return token


@cache
def _usage_insert(alias: str) -> tuple[str, list[str]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    names = [
        "token_id",
        "tester_id",
        "created_at",
        "ip_address",
        "network",
        "method",
        "route",
        "user_agent",
        "origin",
        "referer",
    ]
    sql = (
        f"INSERT INTO {quote(TokenUsage._meta.db_table)} "  # noqa: S608 - identifiers only
        f"({', '.join(quote(n) for n in names)}) VALUES ({', '.join(['%s'] * len(names))})"
    )
    return sql, names


def _usage_statement(connection, values: dict) -> tuple[str, list]:
    sql, names = _usage_insert(connection.alias)
    values["created_at"] = connection.ops.adapt_datetimefield_value(values["created_at"])
    values["ip_address"] = connection.ops.adapt_ipaddressfield_value(values["ip_address"])
    return sql, [values[name] for name in names]


def usage_insert(*, using: str = "default", **values) -> None:
    """One INSERT into the usage log (the hot path skips model instantiation)."""
    connection = connections[using]
    sql, params = _usage_statement(connection, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def usage_record_and_count(usage: dict, keys: list[str], *, window, using: str = "default"):
    """Insert the usage row and bump the rate counters: one round trip and one commit on Postgres.

    There, the statements go as one multi-statement query (its own implicit transaction) whose
    commit does not wait for the WAL flush (`SET LOCAL synchronous_commit TO OFF`, this
    transaction only): a database crash may lose the last instant of usage rows and counters,
    never a token's status, and each request saves disk flushes and round trips.
    """
    from django.conf import settings

    from program.access import ratelimit

    connection = connections[using]
    client_binding = not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    if connection.vendor != "postgresql" or connection.in_atomic_block or not client_binding:
        usage_insert(using=using, **usage)
        return ratelimit.counters_increment(keys, window=window)
    usage_sql, params = _usage_statement(connection, usage)
    statements = ["SET LOCAL synchronous_commit TO OFF", usage_sql]
    if not settings.REDIS_URL:
        counters_sql, counter_params = ratelimit.counters_statement(keys, window=window)
        statements.append(counters_sql)
        params += counter_params
    with connection.cursor() as cursor:
        cursor.execute("; ".join(statements), params)
        if settings.REDIS_URL:
            return ratelimit.counters_increment(keys, window=window)
        cursor.nextset()
        cursor.nextset()
        return ratelimit.counts_from_rows(cursor.fetchall(), keys, window=window)
