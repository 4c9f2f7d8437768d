import pytest
from django.test import override_settings

from payments import demo as payments_demo
from payments.models import Payout, PayoutBatch, TestAssignment
from payments.selectors import transparency_figures
from program import demo as program_demo


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_demo_seeds_a_paid_period_a_draft_batch_and_an_open_session():
    context = program_demo.seed(testers=20)
    payments_demo.seed(context)
    paid, draft = PayoutBatch.objects.order_by("period__month")
    assert paid.status in ("paid", "attention") and draft.status == "draft"
    assert Payout.objects.filter(batch=paid, status="paid").exists()
    assert paid.created_by != paid.approved_by  # four eyes in the demo too
    assert TestAssignment.objects.filter(status="open").count() >= 1
    figures = transparency_figures(program=context.program)
    assert figures["artists_paid"] > 0 and figures["total_paid_minor"]["USD"] > 0
