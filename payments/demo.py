"""Demo pay data: a published USD policy, two past months of work, one period closed and paid
(manual bank transfers marked paid with a reference, no network), one draft batch, and an
open paid test session. Statements and /transparency then show real numbers."""

import datetime

from django.utils import timezone

from payments.earnings import earning_post
from payments.models import PayeeAccount, Payout, TestSignup
from payments.selectors import transparency_compute
from payments.services.payouts import (
    batch_approve,
    batch_pay_run,
    batch_pay_start,
    payout_mark_manual_paid,
    period_close_run,
    period_start,
)
from payments.services.policy import policy_publish
from payments.services.sessions import assignment_create
from program.models import Tester

RATES = {
    "bug": {"P1": 40000, "P2": 20000, "P3": 7500, "P4": 2500},
    "safety": {"P1": 60000, "P2": 30000, "P3": 10000, "P4": 4000},
    "quality": {"none": 5000},
    "idea": {"none": 3000},
    "praise": {"none": 500},
}


def _months_back(today: datetime.date, n: int) -> datetime.date:
    month = today.replace(day=1)
    for _ in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def seed_policy(context) -> None:
    """Publish the demo policy if the program has none. Apps that seed paid work (feedback,
    films) can call this first so their earning_record calls find a policy in force."""
    program, staff = context.program, context.staff
    if program.policies.exists():
        return
    start = timezone.make_aware(datetime.datetime.combine(program.starts_on, datetime.time()))
    policy_publish(
        program=program,
        published_by=staff["staff"],
        effective_from=start,
        currency="USD",
        summary="First published policy: stipend, feedback, films, screenings, paid sessions.",
        stipend_monthly_minor=150000,
        feedback_rates=RATES,
        duplicate_share_bp=2500,
        film_shortlisted_minor=50000,
        film_selected_minor=250000,
        screening_fee_minor=40000,
        session_hourly_minor=3000,
        pay_floor_hourly_minor=2500,
    )


def seed(context) -> None:
    program, staff = context.program, context.staff
    seed_policy(context)
    active = [t for t in context.artists if t.status == Tester.Status.ACTIVE and t.joined_at]
    # Everyone starts on manual bank transfer; artists can switch to Stripe on their Payouts page.
    PayeeAccount.objects.bulk_create(
        [
            PayeeAccount(tester=t, rail=PayeeAccount.Rail.MANUAL, bank_details_note="Demo bank")
            for t in active
        ],
        ignore_conflicts=True,
    )
    today = timezone.localdate()
    for back in (2, 1):
        month = _months_back(today, back)
        _session_month(context, month, active)
    earlier, last = _months_back(today, 2), _months_back(today, 1)
    if earlier >= program.starts_on.replace(day=1):
        period = period_start(program=program, month=earlier, closed_by=staff["finance"])
        period = period_close_run(period_id=period.pk)
        batch = batch_approve(batch=period.batch, approver=staff["finance2"])
        batch_pay_start(batch=batch, actor=staff["finance2"])
        batch_pay_run(batch_id=batch.pk)
        for payout in batch.payouts.filter(status=Payout.Status.AWAITING_MANUAL):
            payout_mark_manual_paid(
                payout=payout, reference=f"DEMO-{payout.pk:05d}", actor=staff["finance2"]
            )
    period = period_start(program=program, month=last, closed_by=staff["finance"])
    period_close_run(period_id=period.pk)  # a draft batch waiting for a second approver
    assignment_create(
        program=program,
        title="Camera motion stress test",
        brief="Generate ten clips with fast pans and dolly moves; note where motion breaks.",
        expected_minutes=120,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=14),
        seats=25,
        created_by=staff["staff"],
    )
    transparency_compute(program=program, store=True)


def _session_month(context, month: datetime.date, active: list[Tester]) -> None:
    rng, staff = context.rng, context.staff
    day = month.replace(day=10)
    assignment = assignment_create(
        program=context.program,
        title=f"Paid session: lip-sync and faces ({month:%B})",
        brief="Prompt close-ups with dialogue; report artefacts around mouths and hands.",
        expected_minutes=180,
        starts_on=day,
        ends_on=day + datetime.timedelta(days=7),
        seats=60,
        created_by=staff["staff"],
    )
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    joined = [t for t in active if t.joined_at <= moment]
    for tester in rng.sample(joined, k=min(len(joined), rng.randint(20, 45))):
        logged = rng.choice([120, 150, 180, 200, 240])
        confirmed = logged if rng.random() > 0.15 else logged - 30
        signup = TestSignup.objects.create(
            assignment=assignment,
            tester=tester,
            status=TestSignup.Status.CONFIRMED,
            logged_minutes=logged,
            report="Tested the brief; notes in the feedback tracker.",
            confirmed_minutes=confirmed,
            cut_reason="" if confirmed == logged else "30 minutes were waiting in the queue.",
            confirmed_by=staff["staff"],
            confirmed_at=moment,
            created_at=moment,
        )
        earning_post(
            tester=tester,
            rule="session.hours",
            source=signup,
            occurred_at=moment,
            params={"minutes": confirmed},
            description=f"Test session: {assignment.title}",
            url="/portal/payouts/#sessions",
            effective_on=day,
        )
