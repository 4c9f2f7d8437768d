"""Fixed-window request counters shared by every web process.

Redis (`REDIS_URL`) when configured: one pipelined round trip of INCR + EXPIRE per key.
Otherwise the database: one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement, which is
atomic on both SQLite (≥ 3.35) and Postgres.
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Window:
    index: int
    retry_after: int  # seconds until the window ends


def current_window(now: float | None = None) -> Window:
    now = time.time() if now is None else now
    index = int(now // WINDOW_SECONDS)
    return Window(index=index, retry_after=max(1, math.ceil((index + 1) * WINDOW_SECONDS - now)))


@cache
def _redis(url: str):
    import redis

    # RESP2: redis-py's RESP3 connect handshake (maintenance notifications) failed with a closed
    # socket under gunicorn threads; RESP2 skips it.
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1, protocol=2)


def counters_increment(keys: list[str], *, window: Window) -> dict[str, int]:
    """Add one to each key for this window and return the new counts.

    If Redis cannot answer (twice), count in the database for this request: a limiter outage
    must not turn into failed API calls.
    """
    if settings.REDIS_URL:
        full = window_keys(keys, window=window)
        for attempt in range(2):
            try:
                return {full[key]: value for key, value in _increment_redis(list(full)).items()}
            except Exception as error:  # redis-py's retry path raises more than RedisError
                if attempt:
                    logger.warning(
                        "rate-limit counters: Redis failed (%r); using the database", error
                    )
    sql, params = counters_statement(keys, window=window)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return counts_from_rows(cursor.fetchall(), keys, window=window)


def window_keys(keys: list[str], *, window: Window) -> dict[str, str]:
    return {f"{key}:{window.index}": key for key in keys}


def counts_from_rows(rows, keys: list[str], *, window: Window) -> dict[str, int]:
    full = window_keys(keys, window=window)
    return {full[row[0]]: int(row[1]) for row in rows}


def _increment_redis(keys: list[str]) -> dict[str, int]:
    pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
    for key in keys:
        pipe.incr(f"atelier:rl:{key}")
        pipe.expire(f"atelier:rl:{key}", WINDOW_SECONDS * 2)
    results = pipe.execute()
    return {key: int(results[i * 2]) for i, key in enumerate(keys)}


def counters_statement(keys: list[str], *, window: Window) -> tuple[str, list]:
    """The one upsert statement that bumps the database counters and returns their values."""
    from program.access.models import RateCounter

    keys = list(window_keys(keys, window=window))

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    count = connection.ops.quote_name("count")
    expires = connection.ops.adapt_datetimefield_value(
        datetime.fromtimestamp((window.index + 2) * WINDOW_SECONDS, tz=UTC)
        if settings.USE_TZ
        else datetime.fromtimestamp((window.index + 2) * WINDOW_SECONDS)
    )
    values = ", ".join(["(%s, 1, %s)"] * len(keys))
    params: list = []
    for key in keys:
        params.extend([key, expires])
    sql = (
        f"INSERT INTO {table} ({connection.ops.quote_name('key')}, {count}, expires_at) "  # noqa: S608 - names are quoted identifiers, values are parameters
        f"VALUES {values} ON CONFLICT ({connection.ops.quote_name('key')}) "
        f"DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {connection.ops.quote_name('key')}, {count}"
    )
    return sql, params


def counters_prune() -> int:
    """Delete database counters of finished windows."""
    from django.utils import timezone

    from program.access.models import RateCounter

    deleted, _ = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
