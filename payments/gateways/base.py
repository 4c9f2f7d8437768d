"""The gateway interface every payout rail implements."""

from dataclasses import dataclass, field


class GatewayError(Exception):
    """The provider refused or could not be reached. `retryable` says a rerun may succeed."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class PayResult:
    status: str  # "paid" (money left the platform) or "awaiting_manual" (finance sends it)
    provider_ref: str = ""


@dataclass(frozen=True)
class ProviderTransfer:
    id: str
    amount_minor: int
    currency: str
    destination: str
    transfer_group: str
    reversed: bool
    metadata: dict = field(default_factory=dict)


class Gateway:
    """One payout rail. `pay` must be safe to call again for the same payout."""

    rail = ""

    def pay(self, *, payout, payee, retry: bool) -> PayResult:
        raise NotImplementedError

    def onboarding_link(self, *, payee, refresh_url: str, return_url: str) -> str:
        raise GatewayError("This rail has no online onboarding.", retryable=False)

    def transfers(self) -> list[ProviderTransfer]:
        """Every transfer the provider holds for this platform (for reconciliation)."""
        return []
