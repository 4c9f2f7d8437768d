"""Manual bank transfer: finance exports a CSV, sends the money, then marks each paid."""

from payments.gateways.base import Gateway, PayResult


class ManualGateway(Gateway):
    rail = "manual"

    def pay(self, *, payout, payee, retry: bool) -> PayResult:
        return PayResult(status="awaiting_manual")


class DemoGateway(Gateway):
    """For the local demo only: marks payouts paid without any network call."""

    rail = "demo"

    def pay(self, *, payout, payee, retry: bool) -> PayResult:
        return PayResult(status="paid", provider_ref=f"demo_{payout.pk}")
