import datetime

from django.utils import timezone

from payments.services.policy import policy_publish

RATES = {
    "bug": {"P1": 30000, "P2": 15000, "P3": 5000, "P4": 2000, "none": 1000},
    "idea": {"none": 2500},
    "praise": {"none": 500},
}


def policy_for(program, *, by=None, effective_from=None, **overrides):
    values = {
        "currency": "USD",
        "stipend_monthly_minor": 300000,
        "feedback_rates": RATES,
        "duplicate_share_bp": 2500,
        "film_shortlisted_minor": 50000,
        "film_selected_minor": 200000,
        "screening_fee_minor": 30000,
        "session_hourly_minor": 2000,
        "pay_floor_hourly_minor": 2500,
    }
    values.update(overrides)
    return policy_publish(
        program=program,
        published_by=by,
        effective_from=effective_from or timezone.now() - datetime.timedelta(days=400),
        **values,
    )
