"""Authorization matrix rows for the payments area; merged into tests/test_authorization_matrix.py.

Same format and symbols as MATRIX there. KWARGS builders receive the World and may create
objects with `w.obj(key, factory)` (factory takes the world).

Who sees money: the artist their own pay (URLs under /me and /portal take no tester, so the
other artist reads their own, empty, pages), finance (and admin) everyone's; program staff run
test sessions and co-own the policy; curators see only the public figures. Stripe is not
configured here, so API onboarding and reconciliation answer 409 stripe_not_configured (authorised);
the Stripe webhook is public and an unsigned body is 400 for everyone.
"""

import datetime

import time_machine
from django.utils import timezone

# fmt: off
MATRIX = """
# name                     method scope | anon   owner  other  curator staff  finance admin | quar expired noscope
api-payments-policy        GET    -     | ok     ok     ok     ok      ok     ok      ok    | 403  401     ok
api-payments-policy        POST   -     | 401    403    403    403     400    400     400   | 403  401     403
api-payments-transparency  GET    -     | ok     ok     ok     ok      ok     ok      ok    | 403  401     ok
api-payments-me            GET    -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-payments-onboarding    POST   -     | 401    409    409    403     403    403     403   | 403  401     409
api-payments-statement     GET    -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-payments-my-payouts    GET    -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-payments-my-signups    GET    -     | 401    ok     ok     403     403    403     403   | 403  401     ok
api-payments-sessions      GET    -     | 401    ok     ok     403     ok     403     ok    | 403  401     ok
api-payments-sessions      POST   -     | 401    403    403    403     400    403     400   | 403  401     403
api-payments-session-signup POST  -     | 401    201    201    403     403    403     403   | 403  401     201
api-payments-signup-log    POST   -     | 401    400    404    403     403    403     403   | 403  401     400
api-payments-signup-confirm POST  -     | 401    403    403    403     400    403     400   | 403  401     403
api-payments-periods       GET    -     | 401    403    403    403     403    ok      ok    | 403  401     403
api-payments-periods       POST   -     | 401    403    403    403     403    400     400   | 403  401     403
api-payments-batch         GET    -     | 401    403    403    403     403    ok      ok    | 403  401     403
api-payments-batch-approve POST   -     | 401    403    403    403     403    ok      ok    | 403  401     403
api-payments-batch-pay     POST   -     | 401    403    403    403     403    409     409   | 403  401     403
api-payments-mark-paid     POST   -     | 401    403    403    403     403    400     400   | 403  401     403
api-payments-reconcile     POST   -     | 401    403    403    403     403    409     409   | 403  401     403
api-payments-year-end      GET    -     | 401    403    403    403     403    ok      ok    | 403  401     403
transparency               GET    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
payments-compensation      GET    -     | ok     ok     ok     ok      ok     ok      ok    | -    -       -
stripe-webhook             POST   -     | 400    400    400    400     400    400     400   | -    -       -
payments-portal            GET    -     | login  ok     ok     403     403    403     404   | -    -       -
payments-portal            POST   -     | login  ok     ok     403     403    403     404   | -    -       -
payments-onboarding        POST   -     | login  302    302    403     403    403     404   | -    -       -
payments-onboarding-return GET    -     | login  302    302    403     403    403     404   | -    -       -
payments-statement         GET    -     | login  ok     ok     403     403    403     404   | -    -       -
payments-statement-export  GET    -     | login  ok     ok     403     403    403     404   | -    -       -
payments-session-signup    POST   -     | login  302    302    403     403    403     404   | -    -       -
payments-session-log       POST   -     | login  302    404    403     403    403     404   | -    -       -
payments-finance           GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-finance           POST   -     | login  403    403    403     403    ok      ok    | -    -       -
payments-period-status     GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-batch             GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-batch-export      GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-batch-approve     POST   -     | login  403    403    403     403    302     302   | -    -       -
payments-batch-pay         POST   -     | login  403    403    403     403    302     302   | -    -       -
payments-payout-mark-paid  POST   -     | login  403    403    403     403    302     302   | -    -       -
payments-reconcile         GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-reconcile         POST   -     | login  403    403    403     403    ok      ok    | -    -       -
payments-year-end          GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-year-end-year     GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-year-end-export   GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-finance-statement GET    -     | login  403    403    403     403    ok      ok    | -    -       -
payments-finance-statement-export GET - | login  403    403    403     403    ok      ok    | -    -       -
payments-staff-policy      GET    -     | login  403    403    403     ok     ok      ok    | -    -       -
payments-staff-policy      POST   -     | login  403    403    403     ok     ok      ok    | -    -       -
payments-staff-sessions    GET    -     | login  403    403    403     ok     403     ok    | -    -       -
payments-staff-sessions    POST   -     | login  403    403    403     ok     403     ok    | -    -       -
payments-staff-session     GET    -     | login  403    403    403     ok     403     ok    | -    -       -
payments-staff-session     POST   -     | login  403    403    403     302    403     302   | -    -       -
"""
# fmt: on


def _last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _policy(w):
    from tests.payments.factories import policy_for

    return policy_for(w.program, by=w.staff["staff"])


def _batch(w):
    """A draft batch for last month, closed by the system, paying the owner by bank transfer."""
    from payments.earnings import earning_record
    from payments.models import PayeeAccount
    from payments.services.payouts import period_close_run, period_start
    from program.models import Program

    w.obj("policy", _policy)
    start = timezone.localdate() - datetime.timedelta(days=400)
    Program.objects.filter(pk=w.program.pk).update(starts_on=start)
    w.program.refresh_from_db()
    PayeeAccount.objects.create(tester=w.owner, rail=PayeeAccount.Rail.MANUAL)
    moment = datetime.datetime.combine(_last_month().replace(day=15), datetime.time(12))
    with time_machine.travel(timezone.make_aware(moment), tick=True):
        earning_record(
            tester=w.owner,
            rule="license.fee",
            source=w.owner,
            amount_minor=5000,
            currency="USD",
            description="Matrix work",
        )
    period = period_start(program=w.program, month=_last_month())
    return period_close_run(period_id=period.pk).batch


def _assignment(w):
    from payments.services.sessions import assignment_create

    today = timezone.localdate()
    return assignment_create(
        program=w.program,
        title="Matrix session",
        brief="Try long prompts.",
        expected_minutes=60,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        seats=5,
        created_by=w.staff["staff"],
    )


def _signup(w):
    from payments.services.sessions import signup_create

    return signup_create(assignment=w.obj("assignment", _assignment), tester=w.owner)


def _month(w) -> str:
    return f"{_last_month():%Y-%m}"


KWARGS: dict = {
    "api-payments-statement": lambda w: {"month": _month(w)},
    "api-payments-session-signup": lambda w: {"pk": w.obj("assignment", _assignment).pk},
    "api-payments-signup-log": lambda w: {"pk": w.obj("signup", _signup).pk},
    "api-payments-signup-confirm": lambda w: {"pk": w.obj("signup", _signup).pk},
    "api-payments-batch": lambda w: {"pk": w.obj("batch", _batch).pk},
    "api-payments-batch-approve": lambda w: {"pk": w.obj("batch", _batch).pk},
    "api-payments-batch-pay": lambda w: {"pk": w.obj("batch", _batch).pk},
    "api-payments-mark-paid": lambda w: {"pk": w.obj("batch", _batch).payouts.get().pk},
    "api-payments-year-end": lambda w: {"year": timezone.localdate().year},
    "payments-statement": lambda w: {"month": _month(w)},
    "payments-statement-export": lambda w: {"month": _month(w), "fmt": "csv"},
    "payments-session-signup": lambda w: {"pk": w.obj("assignment", _assignment).pk},
    "payments-session-log": lambda w: {"pk": w.obj("signup", _signup).pk},
    "payments-period-status": lambda w: {"pk": w.obj("batch", _batch).period_id},
    "payments-batch": lambda w: {"pk": w.obj("batch", _batch).pk},
    "payments-batch-export": lambda w: {"pk": w.obj("batch", _batch).pk, "fmt": "csv"},
    "payments-batch-approve": lambda w: {"pk": w.obj("batch", _batch).pk},
    "payments-batch-pay": lambda w: {"pk": w.obj("batch", _batch).pk},
    "payments-payout-mark-paid": lambda w: {"pk": w.obj("batch", _batch).payouts.get().pk},
    "payments-year-end-year": lambda w: {"year": timezone.localdate().year},
    "payments-year-end-export": lambda w: {"year": timezone.localdate().year, "fmt": "csv"},
    "payments-finance-statement": lambda w: {
        "tester_id": w.obj("batch", _batch).payouts.get().tester_id,
        "month": _month(w),
    },
    "payments-finance-statement-export": lambda w: {
        "tester_id": w.obj("batch", _batch).payouts.get().tester_id,
        "month": _month(w),
        "fmt": "pdf",
    },
    "payments-staff-session": lambda w: {"pk": w.obj("signup", _signup).assignment_id},
}
BODIES: dict = {
    # The signup exists, the minutes are missing: staff get the form's refusal, not a 404.
    ("payments-staff-session", "POST"): lambda w: ({"signup": w.obj("signup", _signup).pk}, "form"),
}
NO_ENVELOPE: set = set()
