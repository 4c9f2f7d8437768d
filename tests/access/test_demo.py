import pytest

from program import demo as program_demo
from program.access import demo
from program.access.models import AccessToken, AuditEvent, TokenQuarantine


@pytest.mark.django_db
def test_demo_gives_the_demo_artist_a_quarantined_token_with_evidence(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    context = program_demo.seed(testers=12)
    demo.seed(context)
    mine = AccessToken.objects.filter(tester__user__email="artist@atelier.test")
    assert mine.filter(status="active").count() >= 2
    quarantine = TokenQuarantine.objects.get(token__in=mine)
    assert len(quarantine.evidence["networks"]) == 5
    assert AuditEvent.objects.filter(action="program.paused").exists()
    assert context.extra["access_token_secrets"]
