"""Benchmark close_period (run by hand; not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_payments \
        .venv/bin/python bench/close_period.py [--quick]

For each scale (300 artists / 100,000 earning postings and 3,000 / 1,000,000; --quick: a
tenth) it creates a throw-away test database (test_<name>), seeds it with bulk inserts and
accrues the month's stipends with the month-end service (stipends_accrue, which beat runs once
a month has ended, before finance closes it). It then times close_period (period_start +
period_close_run, as the command runs them), counts its SQL statements and compares it with
one bare SQL aggregate over the same postings (best of 3). The smaller scale runs --trials
times, each in a fresh database, and reports the median. The month-end accrual's own time is
reported beside it. Production settings (DEBUG off), so no query log slows either side.
Prints one `RESULT {json}` line at the end.
"""

import argparse
import datetime
import gc
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atelier.settings")
os.environ.setdefault("ATELIER_LOG_LEVEL", "WARNING")
# Production settings: with DEBUG on, Django formats and keeps every statement it runs.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.views import StatementCounter  # noqa: E402
from payments.models import Account, LedgerTransaction, Posting  # noqa: E402
from payments.services.ledger import account_get  # noqa: E402
from payments.services.payouts import period_close_run, period_start  # noqa: E402
from payments.services.policy import policy_publish  # noqa: E402
from payments.services.stipends import stipends_accrue  # noqa: E402
from program.models import Program, Tester  # noqa: E402

BATCH = 10_000


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def seed(label: str, artists: int, postings: int) -> Program:
    today = timezone.localdate()
    program = Program.objects.create(
        name=f"Bench {label}",
        slug=f"bench-{label}",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=400),
    )
    policy = policy_publish(
        program=program,
        published_by=None,
        effective_from=timezone.now() - datetime.timedelta(days=390),
        stipend_monthly_minor=150000,
    )
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(username=f"{label}-{i}@bench.test", email=f"{label}-{i}@bench.test", password="!")
            for i in range(artists)
        ],
        batch_size=BATCH,
    )
    users = User.objects.filter(username__startswith=f"{label}-").order_by("id")
    joined = timezone.now() - datetime.timedelta(days=120)
    Tester.objects.bulk_create(
        [
            Tester(
                program=program,
                user=u,
                display_name=u.email,
                country="US",
                status="active",
                joined_at=joined,
            )
            for u in users
        ],
        batch_size=BATCH,
    )
    testers = list(Tester.objects.filter(program=program).values_list("id", flat=True))
    Account.objects.bulk_create(
        [Account(program=program, kind=Account.Kind.ARTIST_PAYABLE, tester_id=t) for t in testers],
        batch_size=BATCH,
    )
    payables = list(
        Account.objects.filter(program=program, kind=Account.Kind.ARTIST_PAYABLE).values_list(
            "id", flat=True
        )
    )
    expense = account_get(program=program, kind=Account.Kind.PROGRAM_EXPENSE)
    day = last_month().replace(day=12)
    earnings = postings // 2  # two legs each: artist payable (+) and program expense (-)
    per_txn = 100
    txns = LedgerTransaction.objects.bulk_create(
        [
            LedgerTransaction(program=program, kind="earning", memo="bench", effective_on=day)
            for _ in range(-(-earnings // per_txn))
        ],
        batch_size=BATCH,
    )
    rows = []
    for index in range(earnings):
        txn = txns[index // per_txn]
        amount = 500 + (index * 7919) % 20000
        account = payables[index % len(payables)]
        common = {
            "transaction": txn,
            "currency": "USD",
            "effective_on": day,
            "policy": policy,
            "source_type": "bench.work",
            "source_id": str(index),
        }
        rows.append(Posting(account_id=account, amount_minor=amount, **common))
        rows.append(Posting(account=expense, amount_minor=-amount, **common))
        if len(rows) >= BATCH:
            Posting.objects.bulk_create(rows)
            rows = []
    if rows:
        Posting.objects.bulk_create(rows)
    return program


BARE = """
SELECT p.account_id, p.currency, SUM(p.amount_minor)
FROM payments_posting p JOIN payments_account a ON a.id = p.account_id
WHERE a.program_id = %s AND a.kind = 'artist_payable' AND p.effective_on <= %s
GROUP BY p.account_id, p.currency
"""


def bare_aggregate(program: Program) -> float:
    end = (last_month() + datetime.timedelta(days=40)).replace(day=1) - datetime.timedelta(days=1)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(BARE, [program.pk, end])
            cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return best


def run(label: str, artists: int, postings: int) -> dict:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return _run(label, artists, postings)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(label: str, artists: int, postings: int) -> dict:
    started = time.perf_counter()
    program = seed(label, artists, postings)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    stipends = stipends_accrue(program=program, month=last_month())
    accrual = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # As pgbench does: finish the seed's vacuum work now, so autovacuum does not wake up
        # during a timed run, and both sides read the same visible, hinted pages.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    gc.collect()
    bare = bare_aggregate(program)
    gc.collect()
    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        period = period_start(program=program, month=last_month())
        period = period_close_run(period_id=period.pk)
        elapsed = time.perf_counter() - started
    payouts = period.batch.payouts.count()
    return {
        "artists": artists,
        "earning_postings": postings,
        "stipends": stipends,
        "seconds": round(elapsed, 4),
        "queries": counter.count,
        "bare_aggregate_seconds": round(bare, 4),
        "ratio": round(elapsed / bare, 2) if bare else None,
        "month_end_accrual_seconds": round(accrual, 4),
        "payouts": payouts,
        "seed_seconds": round(seeded, 1),
    }


def scale(label: str, artists: int, postings: int, trials: int) -> dict:
    runs = [run(f"{label}t{i}", artists, postings) for i in range(trials)]
    ratios = [r["ratio"] for r in runs]
    result = dict(sorted(runs, key=lambda r: r["ratio"] or 0)[len(runs) // 2])
    if trials > 1:
        result["trial_ratios"] = ratios
    print(
        f"{artists:>5} artists {postings:>9,} postings: close_period {result['seconds']:.3f}s, "
        f"{result['queries']} statements, bare aggregate "
        f"{result['bare_aggregate_seconds'] * 1000:.1f} ms, ratio {result['ratio']}"
        + (f" (median of {ratios})" if trials > 1 else "")
        + f"; month-end stipend accrual {result['month_end_accrual_seconds']:.3f}s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument(
        "--trials", type=int, default=3, help="fresh-database runs of the smaller scale"
    )
    args = parser.parse_args()
    scales = [(300, 100_000), (3_000, 1_000_000)]
    if args.quick:
        scales = [(30, 10_000), (300, 100_000)]
    results = [
        scale(f"s{i}", a, p, args.trials if i == 0 else 1) for i, (a, p) in enumerate(scales)
    ]
    growth = results[-1]["seconds"] / results[0]["seconds"] if results[0]["seconds"] else None
    first = results[0]
    queries_constant = len({r["queries"] for r in results}) == 1
    worst_ratio = max(r["ratio"] or 0 for r in results)
    print(
        "RESULT "
        + json.dumps(
            {
                "name": "close_period",
                "goal": "< 2 s at 300 artists; queries constant; ratio to bare aggregate < 3",
                "stipends": "accrued at month end (beat), before the close",
                "ratio": worst_ratio,
                "pass": first["seconds"] < 2 and queries_constant and worst_ratio < 3,
                "database": connection.vendor,
                "quick": args.quick,
                "scales": results,
                **{
                    f"artists_{r['artists']}": {
                        key: r[key]
                        for key in (
                            "seconds",
                            "queries",
                            "bare_aggregate_seconds",
                            "ratio",
                            "month_end_accrual_seconds",
                        )
                    }
                    for r in results
                },
                "queries_constant": queries_constant,
                "time_growth": round(growth, 2) if growth else None,
            }
        )
    )


if __name__ == "__main__":
    main()
