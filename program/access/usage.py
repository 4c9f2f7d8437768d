"""Usage retention: raw rows for `ATELIER_TOKEN_USAGE_RAW_DAYS` days, daily aggregates after."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from program.access.models import TokenUsage, TokenUsageDaily
from program.access.ratelimit import counters_prune
from program.access.reports import receipts_prune


@transaction.atomic
def token_usage_prune(*, now=None) -> dict:
    """Fold raw usage older than the retention into daily rows, then delete it. Idempotent:
    a day already folded gains only the rows not yet counted, since folded rows are gone."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ATELIER_TOKEN_USAGE_RAW_DAYS)
    old = TokenUsage.objects.filter(created_at__lt=cutoff)
    rows = (
        old.annotate(day=TruncDate("created_at"))
        .values("token_id", "tester_id", "day")
        .annotate(
            requests=Count("id"),
            networks=Count("network", distinct=True),
            origins=Count("id", filter=~Q(origin="")),
        )
    )
    folded = 0
    for row in rows:
        daily, created = TokenUsageDaily.objects.select_for_update().get_or_create(
            token_id=row["token_id"],
            day=row["day"],
            defaults={
                "tester_id": row["tester_id"],
                "requests": row["requests"],
                "networks": row["networks"],
                "origins": row["origins"],
            },
        )
        if not created:
            daily.requests += row["requests"]
            daily.networks = max(daily.networks, row["networks"])
            daily.origins += row["origins"]
            daily.save(update_fields=["requests", "networks", "origins"])
        folded += row["requests"]
    deleted, _ = old.delete()
    return {
        "folded": folded,
        "deleted": deleted,
        "counters": counters_prune(),
        "receipts": receipts_prune(),
    }
