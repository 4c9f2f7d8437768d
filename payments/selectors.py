"""Reads: statements, finance reports, the public transparency report."""

import statistics
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from payments.models import (
    Account,
    Earning,
    PayableBalance,
    PayeeAccount,
    Payout,
    PayoutBatch,
    PayoutPeriod,
    Posting,
    TestAssignment,
    TestSignup,
    TransparencySnapshot,
    rule_kind,
)
from payments.money import format_minor
from payments.services.stipends import month_bounds
from program.models import Program, Tester

# --- Statements --------------------------------------------------------------------------------


def statement_months(*, tester: Tester) -> list[date]:
    """Months with ledger activity for the tester, newest first (plus the current month)."""
    days = (
        Posting.objects.filter(account__tester=tester, account__kind=Account.Kind.ARTIST_PAYABLE)
        .values_list("effective_on", flat=True)
        .distinct()
    )
    months = {d.replace(day=1) for d in days} | {timezone.localdate().replace(day=1)}
    return sorted(months, reverse=True)


def statement_for(*, tester: Tester, month: date) -> dict:
    """Every line on the tester's payable account in the month; totals tie to the ledger."""
    first, last = month_bounds(month)
    postings = Posting.objects.filter(
        account__tester=tester, account__kind=Account.Kind.ARTIST_PAYABLE
    )
    opening = dict(
        postings.filter(effective_on__lt=first)
        .values_list("currency")
        .annotate(total=Sum("amount_minor"))
    )
    lines = list(
        postings.filter(effective_on__gte=first, effective_on__lte=last)
        .select_related("earning", "transaction", "policy")
        .order_by("effective_on", "id")
    )
    currencies = set(opening) | {p.currency for p in lines}
    totals = {}
    for currency in sorted(currencies):
        earned = sum(
            p.amount_minor
            for p in lines
            if p.currency == currency and p.earning_id and p.amount_minor > 0
        )
        reversed_ = sum(
            p.amount_minor
            for p in lines
            if p.currency == currency and p.earning_id and p.amount_minor < 0
        )
        payouts = sum(p.amount_minor for p in lines if p.currency == currency and not p.earning_id)
        open_ = opening.get(currency, 0)
        totals[currency] = {
            "opening": open_,
            "earned": earned,
            "reversed": reversed_,
            "payouts": payouts,
            "closing": open_ + earned + reversed_ + payouts,
        }
    rows = []
    for posting in lines:
        earning = posting.earning
        if earning is not None:
            what = earning.description or earning.rule
            rule = earning.rule if posting.amount_minor > 0 else f"{earning.rule} (reversed)"
            rate = earning.rate_label
            url = earning.url
            when = timezone.localtime(earning.occurred_at).date()
            version = f"v{earning.policy.version}" if earning.policy_id else "fixed"
        else:
            what, rule, rate, url, when, version = (
                posting.transaction.memo,
                posting.transaction.get_kind_display(),
                "",
                "",
                posting.effective_on,
                "",
            )
        rows.append(
            {
                "date": when,
                "what": what,
                "url": url,
                "rule": rule,
                "rate": rate,
                "policy_version": version,
                "amount_minor": posting.amount_minor,
                "currency": posting.currency,
                "amount": format_minor(posting.amount_minor, posting.currency),
                "posting_id": posting.pk,
            }
        )
    return {
        "tester": tester,
        "month": first,
        "label": f"{first:%Y-%m}",
        "rows": rows,
        "totals": totals,
        "totals_display": {
            c: {k: format_minor(v, c) for k, v in t.items()} for c, t in totals.items()
        },
    }


def earnings_this_period(*, tester: Tester) -> dict[str, int]:
    first = timezone.localdate().replace(day=1)
    return dict(
        Posting.objects.filter(
            account__tester=tester,
            account__kind=Account.Kind.ARTIST_PAYABLE,
            effective_on__gte=first,
            earning__isnull=False,
        )
        .values_list("currency")
        .annotate(total=Sum("amount_minor"))
    )


def payable_balance(*, tester: Tester) -> dict[str, int]:
    """{currency: balance} from the balances the database keeps (equal to summing postings)."""
    return dict(
        PayableBalance.objects.filter(
            account__tester=tester, account__kind=Account.Kind.ARTIST_PAYABLE
        ).values_list("currency", "balance_minor")
    )


def payouts_for_tester(*, tester: Tester) -> QuerySet[Payout]:
    return Payout.objects.filter(tester=tester).select_related("batch__period").order_by("-id")


def payee_for(*, tester: Tester) -> PayeeAccount | None:
    return PayeeAccount.objects.filter(tester=tester).first()


# --- Test sessions -----------------------------------------------------------------------------


def assignments_open(*, program: Program) -> QuerySet[TestAssignment]:
    return (
        TestAssignment.objects.filter(
            program=program, status=TestAssignment.Status.OPEN, ends_on__gte=timezone.localdate()
        )
        .annotate(taken=Count("signups"))
        .order_by("starts_on", "id")
    )


def assignments_all(*, program: Program) -> QuerySet[TestAssignment]:
    return TestAssignment.objects.filter(program=program).annotate(
        taken=Count("signups"),
        to_confirm=Count("signups", filter=Q(signups__status=TestSignup.Status.LOGGED)),
    )


def signups_for_tester(*, tester: Tester) -> QuerySet[TestSignup]:
    return TestSignup.objects.filter(tester=tester).select_related("assignment")


# --- Finance reports ---------------------------------------------------------------------------


def periods_list(*, program: Program) -> QuerySet[PayoutPeriod]:
    return PayoutPeriod.objects.filter(program=program).select_related(
        "batch", "closed_by", "batch__approved_by"
    )


def batch_report(*, batch: PayoutBatch) -> dict:
    payouts = list(
        batch.payouts.select_related("tester__user").order_by("tester__display_name", "id")
    )
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for payout in payouts:
        for key in (
            f"status:{payout.status}",
            f"rail:{payout.rail}",
            f"country:{payout.tester.country}",
            "all",
        ):
            totals[payout.currency][key] += payout.amount_minor
    grouped = {
        currency: {
            "all": format_minor(values["all"], currency),
            "by_status": {
                k.split(":", 1)[1]: format_minor(v, currency)
                for k, v in sorted(values.items())
                if k.startswith("status:")
            },
            "by_rail": {
                k.split(":", 1)[1]: format_minor(v, currency)
                for k, v in sorted(values.items())
                if k.startswith("rail:")
            },
            "by_country": {
                k.split(":", 1)[1]: format_minor(v, currency)
                for k, v in sorted(values.items())
                if k.startswith("country:")
            },
        }
        for currency, values in totals.items()
    }
    return {
        "batch": batch,
        "period": batch.period,
        "payouts": payouts,
        "totals": grouped,
        "problems": [
            p
            for p in payouts
            if p.status in (Payout.Status.FAILED, Payout.Status.HELD, Payout.Status.RETURNED)
        ],
    }


def year_end_report(*, program: Program, year: int) -> dict:
    """Per artist: total paid in the calendar year (by paid date), and who crossed the threshold."""
    rows = (
        Payout.objects.filter(
            batch__period__program=program, status=Payout.Status.PAID, paid_at__year=year
        )
        .values(
            "tester_id",
            "tester__display_name",
            "tester__country",
            "tester__user__email",
            "currency",
        )
        .annotate(total=Sum("amount_minor"), count=Count("id"))
        .order_by("tester__display_name", "currency")
    )
    threshold = settings.PAYMENTS_TAX_THRESHOLD_MINOR
    artists = [
        {
            "tester_id": r["tester_id"],
            "name": r["tester__display_name"],
            "email": r["tester__user__email"],
            "country": r["tester__country"],
            "currency": r["currency"],
            "total_minor": r["total"],
            "total": format_minor(r["total"], r["currency"]),
            "payouts": r["count"],
            "over_threshold": r["total"] >= threshold,
        }
        for r in rows
    ]
    return {
        "year": year,
        "threshold_minor": threshold,
        "artists": artists,
        "over_threshold": [a for a in artists if a["over_threshold"]],
    }


# --- Transparency ------------------------------------------------------------------------------


def _percentile(values: list[int], pct: int) -> int:
    """Nearest-rank percentile of sorted integers."""
    if not values:
        return 0
    rank = max(1, -(-pct * len(values) // 100))
    return values[rank - 1]


def _ratio_text(fraction: Fraction, digits: int = 3) -> str:
    scaled = round(fraction * 10**digits)
    return f"{scaled // 10**digits}.{scaled % 10**digits:0{digits}d}"


def gini(values: list[int]) -> Fraction:
    """Gini coefficient with exact rational arithmetic."""
    values = sorted(values)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return Fraction(0)
    weighted = sum((index + 1) * value for index, value in enumerate(values))
    return Fraction(2 * weighted, n * total) - Fraction(n + 1, n)


def histogram_svg(values: list[int], currency: str, bins: int = 10) -> str:
    """A server-side SVG bar chart of pay per artist per period (no scripts, no inline styles)."""
    width, height, pad = 640, 240, 36
    if not values:
        return ""
    low, high = min(values), max(values)
    span = max(1, high - low)
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, (value - low) * bins // span)] += 1
    top = max(counts)
    bar_w = (width - 2 * pad) // bins
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Distribution of pay per artist per period" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, count in enumerate(counts):
        bar_h = (height - 2 * pad) * count // top if top else 0
        x = pad + index * bar_w
        y = height - pad - bar_h
        start = low + span * index // bins
        parts.append(
            f'<rect x="{x + 2}" y="{y}" width="{bar_w - 4}" height="{bar_h}" fill="#5b4bdb">'
            f"<title>{count} from {format_minor(start, currency)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar_w // 2}" y="{y - 4}" text-anchor="middle" font-size="11">{count}</text>'
        )
    parts.append(
        f'<text x="{pad}" y="{height - 10}" font-size="11">{format_minor(low, currency)}</text>'
        f'<text x="{width - pad}" y="{height - 10}" font-size="11" text-anchor="end">'
        f"{format_minor(high, currency)}</text></svg>"
    )
    return "".join(parts)


def transparency_compute(*, program: Program, store: bool = False) -> dict:
    """Aggregate, anonymous pay figures. No names, no per-artist rows leave this function."""
    from program.feedback.selectors import feedback_slo_figures

    paid = list(
        Payout.objects.filter(batch__period__program=program, status=Payout.Status.PAID).values(
            "tester_id", "currency", "amount_minor", "paid_at", "batch__period__month"
        )
    )
    currency = (
        program.policies.order_by("-version").values_list("currency", flat=True).first() or "USD"
    )
    main = [p for p in paid if p["currency"] == currency]
    totals_by_currency: dict[str, int] = defaultdict(int)
    for p in paid:
        totals_by_currency[p["currency"]] += p["amount_minor"]
    per_artist_period: dict[tuple, int] = defaultdict(int)
    per_artist: dict[int, int] = defaultdict(int)
    for p in main:
        per_artist_period[(p["tester_id"], p["batch__period__month"])] += p["amount_minor"]
        per_artist[p["tester_id"]] += p["amount_minor"]
    values = sorted(per_artist_period.values())
    artists = len({p["tester_id"] for p in paid})
    enough = artists >= settings.PAYMENTS_TRANSPARENCY_MIN_ARTISTS
    total_main = sum(per_artist.values())
    top_n = max(1, -(-len(per_artist) // 10)) if per_artist else 0
    top_share = (
        Fraction(sum(sorted(per_artist.values(), reverse=True)[:top_n]), total_main)
        if total_main
        else Fraction(0)
    )
    by_kind: dict[str, int] = defaultdict(int)
    earnings = list(
        Earning.objects.filter(program=program, reversed_at__isnull=True, currency=currency).values(
            "tester_id", "rule", "amount_minor", "occurred_at", "transaction__effective_on"
        )
    )
    for e in earnings:
        by_kind[rule_kind(e["rule"])] += e["amount_minor"]
    earned_total = sum(by_kind.values())
    # Days from earning to payment: an earning is paid by the artist's first paid payout
    # of its period or later.
    payouts_by_tester: dict[int, list] = defaultdict(list)
    for p in main:
        payouts_by_tester[p["tester_id"]].append((p["batch__period__month"], p["paid_at"]))
    for items in payouts_by_tester.values():
        items.sort()
    delays = []
    for e in earnings:
        month = e["transaction__effective_on"].replace(day=1)
        for period_month, paid_at in payouts_by_tester.get(e["tester_id"], []):
            if period_month >= month:
                delays.append((paid_at - e["occurred_at"]) // timedelta(days=1))
                break
    delays.sort()
    figures = {
        "currency": currency,
        "total_paid": {c: format_minor(v, c) for c, v in sorted(totals_by_currency.items())},
        "total_paid_minor": dict(totals_by_currency),
        "artists_paid": artists,
        "periods_paid": len({p["batch__period__month"] for p in paid}),
        "suppressed": not enough,
        "per_artist_period": (
            {
                "count": len(values),
                "median": format_minor(int(statistics.median_low(values)), currency),
                "p10": format_minor(_percentile(values, 10), currency),
                "p90": format_minor(_percentile(values, 90), currency),
            }
            if enough and values
            else None
        ),
        "chart_svg": histogram_svg(values, currency) if enough else "",
        "gini": _ratio_text(gini(list(per_artist.values()))) if enough else None,
        "top10_share_pct": _ratio_text(top_share * 100, 1) if enough and total_main else None,
        "share_by_kind_pct": {
            kind: _ratio_text(Fraction(amount * 100, earned_total), 1)
            for kind, amount in sorted(by_kind.items())
        }
        if earned_total
        else {},
        "days_to_payment": (
            {
                "median": statistics.median_low(delays),
                "p95": _percentile(delays, 95),
                "count": len(delays),
            }
            if delays
            else None
        ),
        "feedback_slo": feedback_slo_figures(program=program, days=90),
        "computed_at": timezone.now().isoformat(),
    }
    if store:
        TransparencySnapshot.objects.update_or_create(
            program=program, defaults={"figures": figures, "computed_at": timezone.now()}
        )
    return figures


def transparency_figures(*, program: Program) -> dict:
    """The cached figures; recomputed when missing or older than the last period close."""
    snapshot = TransparencySnapshot.objects.filter(program=program).first()
    last_close = (
        PayoutPeriod.objects.filter(program=program, closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    last_paid = (
        Payout.objects.filter(batch__period__program=program, paid_at__isnull=False)
        .order_by("-paid_at")
        .values_list("paid_at", flat=True)
        .first()
    )
    fresh_after = max([d for d in (last_close, last_paid) if d], default=None)
    if snapshot is None or (fresh_after and snapshot.computed_at < fresh_after):
        return transparency_compute(program=program, store=True)
    return snapshot.figures


# --- Dashboards --------------------------------------------------------------------------------


def batches_stalled(*, idle_seconds: int) -> list[int]:
    """Batches still paying whose payouts have not moved for `idle_seconds`: their run died
    with its worker (a broker may drop an unacknowledged message), so it must be resumed."""
    cutoff = timezone.now() - timedelta(seconds=idle_seconds)
    open_statuses = [Payout.Status.PENDING, Payout.Status.SENDING]
    return list(
        PayoutBatch.objects.filter(status=PayoutBatch.Status.PAYING)
        .filter(payouts__status__in=open_statuses)
        .exclude(payouts__updated_at__gte=cutoff)
        .distinct()
        .values_list("pk", flat=True)
    )


def batches_overview(*, program: Program) -> list[dict]:
    rows = (
        PayoutBatch.objects.filter(period__program=program)
        .select_related("period")
        .annotate(
            n=Count("payouts"),
            failed=Count("payouts", filter=Q(payouts__status__in=["failed", "held"])),
        )
        .order_by("-period__month")[:3]
    )
    return list(rows)


def money_map(amounts: dict[str, int]) -> str:
    return ", ".join(format_minor(v, c) for c, v in sorted(amounts.items())) or "—"
