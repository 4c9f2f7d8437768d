"""The one door through which other apps report paid work. Payments implements it.

Other apps call `earning_record(...)` inside their own transaction when something
payable happens. It must be idempotent per (rule, source): calling it twice for the
same accepted feedback earns once.

Rules (the policy decides the amount unless `amount_minor` is given):
    "feedback.accepted"   source=Feedback, params={"kind": ..., "severity": "P1".."P4" or None}
    "feedback.duplicate"  source=Feedback (the duplicate), params={"kind", "severity", "original_id"}
    "film.shortlisted"    source=Film
    "film.selected"       source=Film
    "screening.fee"       source=ScreeningFilm (a film shown at a screening), amount from the screening
    "license.fee"         source=License, amount_minor + currency from the license
    "session.hours"       source=TestSession signup, params={"minutes": int}
"""

from datetime import datetime

from django.db import models

from program.models import Tester


def earning_record(
    *,
    tester: Tester,
    rule: str,
    source: models.Model,
    occurred_at: datetime | None = None,
    params: dict | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    description: str = "",
    url: str = "",
):
    """Record a payable event. Stub until the payments work lands: records nothing."""
    return None


def earning_reverse(*, rule: str, source: models.Model, reason: str):
    """Reverse an earlier earning (e.g. a license withdrawn before its use). Stub."""
    return None
