from django.template.loader import render_to_string

from atelier.nav import NavItem
from program.roles import Role, has_role

ARTIST = [NavItem("Payouts", "payments-portal", order=60)]
STAFF = [
    NavItem("Finance", "payments-finance", order=60, roles=(Role.FINANCE,)),
    NavItem(
        "Pay policy", "payments-staff-policy", order=61, roles=(Role.PROGRAM_STAFF, Role.FINANCE)
    ),
    NavItem("Test sessions", "payments-staff-sessions", order=62, roles=(Role.PROGRAM_STAFF,)),
]


def artist_pay_panel(request, tester=None, **context):
    if tester is None:
        return None
    from payments.models import Payout
    from payments.selectors import earnings_this_period, money_map, payable_balance

    pending = (
        Payout.objects.filter(tester=tester)
        .exclude(status__in=[Payout.Status.PAID, Payout.Status.RETURNED])
        .order_by("-id")
        .first()
    )
    return render_to_string(
        "payments/_panel_artist.html",
        {
            "this_period": money_map(earnings_this_period(tester=tester)),
            "balance": money_map(payable_balance(tester=tester)),
            "next_payout": f"{pending} ({pending.get_status_display()})"
            if pending
            else "After this period closes",
        },
        request=request,
    )


def staff_batches_panel(request, program=None, **context):
    if program is None or not has_role(request.user, Role.FINANCE, Role.PROGRAM_STAFF):
        return None
    from payments.selectors import batches_overview

    return render_to_string(
        "payments/_panel_staff.html",
        {
            "batches": batches_overview(program=program),
            "can_open": has_role(request.user, Role.FINANCE),
        },
        request=request,
    )


ARTIST_PANELS = [artist_pay_panel]
STAFF_PANELS = [staff_batches_panel]
