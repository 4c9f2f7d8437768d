import hashlib

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from atelier.errors import Conflict, ServiceError
from program.models import Agreement, AgreementAcceptance, Program, Tester
from program.selectors import agreement_current
from program.services.testers import tester_change_status


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def agreement_publish(*, program: Program, title: str, body: str, published_by=None) -> Agreement:
    """Publish a new version. Published versions are never edited."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ServiceError("A title is required.", field="title", code="required")
    if not body:
        raise ServiceError("The terms cannot be empty.", field="body", code="required")
    Program.objects.select_for_update().get(pk=program.pk)
    latest = program.agreements.aggregate(v=Max("version"))["v"] or 0
    return Agreement.objects.create(
        program=program,
        version=latest + 1,
        title=title,
        body=body,
        body_sha256=_sha256(body),
        published_by=published_by,
    )


@transaction.atomic
def agreement_accept(
    *, tester: Tester, agreement: Agreement, ip_address: str | None, user_agent: str = ""
) -> AgreementAcceptance:
    """Record acceptance of the exact text; the first acceptance activates an onboarding tester."""
    if agreement.program_id != tester.program_id:
        raise ServiceError("This agreement belongs to another program.", field="agreement")
    current = agreement_current(program=tester.program)
    if current is None or current.pk != agreement.pk:
        raise Conflict(
            "A newer version of the terms exists; please read and accept that one.",
            field="agreement",
            code="agreement_outdated",
        )
    if tester.status in (Tester.Status.OFFBOARDED, Tester.Status.INVITED):
        raise ServiceError(
            "Accept the invitation before the terms.", code="tester_not_onboarding", status_code=403
        )
    acceptance, created = AgreementAcceptance.objects.get_or_create(
        tester=tester,
        agreement=agreement,
        defaults={
            "accepted_at": timezone.now(),
            "ip_address": ip_address,
            "user_agent": (user_agent or "")[:400],
            "accepted_text": agreement.body,
            "accepted_text_sha256": _sha256(agreement.body),
        },
    )
    if created and tester.status == Tester.Status.ONBOARDING:
        tester_change_status(
            tester=tester,
            to_status=Tester.Status.ACTIVE,
            actor=tester.user,
            reason=f"Accepted {agreement.title} v{agreement.version}",
        )
    return acceptance
