from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from program.models import Notification, NotificationPreference

# Kinds the preferences page offers to mute by email, by prefix.
EMAIL_KIND_GROUPS = {
    "feedback": "Feedback replies and decisions",
    "film": "Film reviews, selections and licenses",
    "payments": "Statements and payouts",
    "generation": "Finished videos",
}


def notify(
    *, user, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Tell a user something in the portal, and by email unless they opted out.

    Security notices (kind "security.*") are always emailed.
    """
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:200], body=body, url=url
    )
    preference = NotificationPreference.objects.filter(user=user).first()
    wants = kind.startswith("security.") or preference is None or preference.wants_email(kind)
    if email and wants and user.email:
        link = f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else ""

        def send() -> None:
            send_mail(
                subject=f"[Atelier] {title}",
                message=f"{body}{link}",
                from_email=None,
                recipient_list=[user.email],
            )
            Notification.objects.filter(pk=notification.pk).update(emailed=True)

        transaction.on_commit(send)
    return notification


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_update(
    *, user, email_enabled: bool, email_muted_kinds: list[str]
) -> NotificationPreference:
    unknown = set(email_muted_kinds) - set(EMAIL_KIND_GROUPS)
    if unknown:
        from atelier.errors import ServiceError

        raise ServiceError(
            f"Unknown kinds: {', '.join(sorted(unknown))}.", field="email_muted_kinds"
        )
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={"email_enabled": email_enabled, "email_muted_kinds": sorted(email_muted_kinds)},
    )
    return preference
