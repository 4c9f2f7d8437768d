"""Gateways that die at a chosen step, to simulate a process crash (BaseException, not caught)."""

from payments.gateways.stripe_connect import StripeConnectGateway


class SimulatedCrash(BaseException):
    pass


class CrashBeforeCallGateway(StripeConnectGateway):
    """The payout was recorded as sending; the process dies before reaching Stripe."""

    def pay(self, *, payout, payee, retry):
        raise SimulatedCrash("died after recording, before calling the provider")


class CrashAfterCallGateway(StripeConnectGateway):
    """Stripe made the transfer; the process dies before recording the result."""

    def pay(self, *, payout, payee, retry):
        super().pay(payout=payout, payee=payee, retry=retry)
        raise SimulatedCrash("died after the provider call, before recording it")
