import pytest

from program import demo
from program.feedback import demo as feedback_demo
from program.feedback.models import Feedback
from program.feedback.selectors import feedback_slo_figures


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_seeds_feedback_in_every_state_with_meaningful_figures(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    context = demo.seed(testers=30)
    feedback_demo.seed(context)

    states = set(Feedback.objects.values_list("state", flat=True))
    figures = feedback_slo_figures(program=context.program)
    assert Feedback.objects.count() == feedback_demo.ITEMS
    assert states >= {"new", "triaged", "accepted", "duplicate", "informative", "not_applicable"}
    assert all(figures[clock]["count"] > 20 for clock in figures)
