"""The audit log: one function writes it, nothing edits it."""

from django.db import models

from program.access.models import AuditEvent
from program.models import Tester


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    ip_address: str | None = None,
    target: models.Model | None = None,
    subject_tester: Tester | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append an entry. `target` is any model instance the action touched."""
    if subject_tester is None and isinstance(target, Tester):
        subject_tester = target
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label or (getattr(actor, "email", "") if actor else "system"),
        ip_address=ip_address,
        subject_tester=subject_tester,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        reason=reason,
        data=data or {},
    )
