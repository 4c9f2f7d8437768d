"""Stripe Connect through the official SDK. STRIPE_API_BASE points it elsewhere for tests."""

import stripe
from django.conf import settings

from payments.gateways.base import Gateway, GatewayError, PayResult, ProviderTransfer


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayError("STRIPE_SECRET_KEY is not set.", retryable=False)
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_S),
    )


def _error(exc: stripe.StripeError) -> GatewayError:
    status = getattr(exc, "http_status", None)
    retryable = isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError) or (
        status is None or status >= 500 or status == 409
    )
    detail = getattr(exc, "user_message", None) or str(exc) or exc.__class__.__name__
    prefix = f"Stripe {status}: " if status else "Stripe unreachable: "
    return GatewayError(f"{prefix}{detail}"[:500], retryable=retryable)


def _transfer(obj) -> ProviderTransfer:
    obj = obj.to_dict() if hasattr(obj, "to_dict") else obj
    return ProviderTransfer(
        id=obj["id"],
        amount_minor=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
        destination=obj.get("destination") or "",
        transfer_group=obj.get("transfer_group") or "",
        reversed=bool(obj.get("reversed")),
        metadata=dict(obj.get("metadata") or {}),
    )


class StripeConnectGateway(Gateway):
    rail = "stripe"

    def __init__(self):
        self.client = stripe_client()

    # --- onboarding -----------------------------------------------------------------------
    def account_create(self, *, tester) -> str:
        try:
            account = self.client.v1.accounts.create(
                params={
                    "type": "express",
                    "country": tester.country,
                    "email": tester.user.email,
                    "capabilities": {"transfers": {"requested": True}},
                    "metadata": {"tester_id": str(tester.pk)},
                },
                options={"idempotency_key": f"account:{tester.pk}"},
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return account["id"]

    def onboarding_link(self, *, payee, refresh_url: str, return_url: str) -> str:
        try:
            link = self.client.v1.account_links.create(
                params={
                    "account": payee.stripe_account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return link["url"]

    # --- payouts --------------------------------------------------------------------------
    def find_transfer(self, *, payout) -> ProviderTransfer | None:
        try:
            found = self.client.v1.transfers.list(
                params={"transfer_group": payout.transfer_group, "limit": 10}
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        transfers = [_transfer(t) for t in found.data]
        return transfers[0] if transfers else None

    def pay(self, *, payout, payee, retry: bool) -> PayResult:
        if not payee.stripe_account_id:
            raise GatewayError("The artist has no Stripe account yet.", retryable=True)
        if retry:
            # The last attempt may have reached Stripe: look before sending again.
            existing = self.find_transfer(payout=payout)
            if existing is not None:
                if (existing.amount_minor, existing.currency) != (
                    payout.amount_minor,
                    payout.currency,
                ):
                    raise GatewayError(
                        f"Transfer {existing.id} does not match the payout amount.",
                        retryable=False,
                    )
                return PayResult(status="paid", provider_ref=existing.id)
        try:
            transfer = self.client.v1.transfers.create(
                params={
                    "amount": payout.amount_minor,
                    "currency": payout.currency.lower(),
                    "destination": payee.stripe_account_id,
                    "transfer_group": payout.transfer_group,
                    "metadata": {
                        "payout_id": str(payout.pk),
                        "batch_id": str(payout.batch_id),
                        "tester_id": str(payout.tester_id),
                    },
                },
                options={"idempotency_key": payout.idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return PayResult(status="paid", provider_ref=transfer["id"])

    def transfers(self) -> list[ProviderTransfer]:
        try:
            page = self.client.v1.transfers.list(params={"limit": 100})
            return [_transfer(t) for t in page.auto_paging_iter()]
        except stripe.StripeError as exc:
            raise _error(exc) from exc
