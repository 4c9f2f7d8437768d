"""Stripe webhooks: verified from the raw body, deduplicated by event id, order-tolerant."""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from atelier.errors import ServiceError
from payments.models import PayeeAccount, Payout, WebhookEvent
from payments.services.payouts import payout_mark_paid, payout_return

logger = logging.getLogger(__name__)


def signature_verify(*, payload: bytes, header: str) -> dict:
    """Accept the body if any configured secret signed it within the tolerance."""
    secrets = [s for s in settings.STRIPE_WEBHOOK_SECRETS if s]
    if not secrets:
        raise ServiceError("Webhooks are not configured.", code="not_configured", status_code=400)
    if not header:
        raise ServiceError("Missing Stripe-Signature header.", code="bad_signature")
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"),
                header,
                secret,
                tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_S,
            )
        except stripe.SignatureVerificationError:
            continue
        except UnicodeDecodeError:
            break
        try:
            return json.loads(payload)
        except ValueError:
            raise ServiceError("The body is not JSON.", code="bad_payload") from None
    raise ServiceError(
        "The signature does not match or is too old.", code="bad_signature", status_code=400
    )


def _signature_t(header: str) -> str:
    return next((p[2:] for p in header.split(",") if p.startswith("t=")), "")


def webhook_receive(*, payload: bytes, header: str) -> WebhookEvent:
    """Verify, store once, then apply. A replay of the very same signed request is refused."""
    event = signature_verify(payload=payload, header=header)
    event_id, event_type = event.get("id"), event.get("type")
    if not event_id or not event_type or not isinstance(event.get("data"), dict):
        raise ServiceError("Not a Stripe event.", code="bad_payload")
    signed_at = _signature_t(header)
    with transaction.atomic():
        existing = WebhookEvent.objects.select_for_update().filter(event_id=event_id).first()
        if existing is not None:
            if existing.payload.get("_signature_t") == signed_at:
                raise ServiceError(
                    "This request was already received (replay).", code="replayed", status_code=400
                )
            return existing  # a redelivery: already handled, nothing more to do
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    event_id=event_id,
                    type=event_type,
                    created=int(event.get("created") or 0),
                    payload={**event, "_signature_t": signed_at},
                )
        except IntegrityError:
            raise ServiceError("Already received.", code="replayed") from None
        record.result = webhook_apply(event)[:200]
        record.save(update_fields=["result"])
    return record


def webhook_apply(event: dict) -> str:
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return "ignored"
    return handler(event)


def _account_updated(event: dict) -> str:
    obj = event["data"]["object"]
    payee = PayeeAccount.objects.select_for_update().filter(stripe_account_id=obj["id"]).first()
    if payee is None:
        return "unknown account"
    created = int(event.get("created") or 0)
    if created < payee.last_event_created:
        return "stale (newer state already applied)"
    requirements = obj.get("requirements") or {}
    payee.payouts_enabled = bool(obj.get("payouts_enabled"))
    payee.details_submitted = bool(obj.get("details_submitted"))
    payee.requirements_due = list(requirements.get("currently_due") or [])
    payee.last_event_created = created
    payee.updated_at = timezone.now()
    payee.save()
    return f"payouts_enabled={payee.payouts_enabled}"


def _payout_for_transfer(obj: dict) -> Payout | None:
    payout = Payout.objects.filter(provider_ref=obj["id"]).first()
    if payout is None:
        payout_id = (obj.get("metadata") or {}).get("payout_id") or ""
        group = obj.get("transfer_group") or ""
        if not payout_id and group.startswith("payout_"):
            payout_id = group.removeprefix("payout_")
        if payout_id.isdigit():
            payout = Payout.objects.filter(pk=int(payout_id)).first()
    return payout


def _transfer_created(event: dict) -> str:
    obj = event["data"]["object"]
    payout = _payout_for_transfer(obj)
    if payout is None:
        return "unknown transfer"
    if payout.status in (Payout.Status.SENDING, Payout.Status.FAILED):
        # We crashed or timed out after Stripe made the transfer: it is paid.
        payout_mark_paid(payout=payout, provider_ref=obj["id"])
        return "marked paid"
    return f"payout already {payout.status}"


def _transfer_reversed(event: dict) -> str:
    obj = event["data"]["object"]
    payout = _payout_for_transfer(obj)
    if payout is None:
        return "unknown transfer"
    if payout.status in (Payout.Status.SENDING, Payout.Status.FAILED):
        payout = payout_mark_paid(payout=payout, provider_ref=obj["id"])  # created came later
    payout_return(payout=payout, reason="Stripe reversed the transfer")
    return "returned"


def _bank_payout(event: dict) -> str:
    account_id = event.get("account") or ""
    payee = PayeeAccount.objects.filter(stripe_account_id=account_id).first()
    if payee is None:
        return "unknown account"
    status = "paid" if event["type"] == "payout.paid" else "failed"
    PayeeAccount.objects.filter(pk=payee.pk).update(last_bank_payout_status=status)
    if status == "failed":
        from program.services.notifications import notify

        notify(
            user=payee.tester.user,
            kind="payments.bank_payout_failed",
            title="Stripe could not pay out to your bank",
            body="Check your bank details in your Stripe account.",
            url="/portal/payouts/",
        )
    return f"bank payout {status}"


HANDLERS = {
    "account.updated": _account_updated,
    "transfer.created": _transfer_created,
    "transfer.reversed": _transfer_reversed,
    "payout.paid": _bank_payout,
    "payout.failed": _bank_payout,
}
