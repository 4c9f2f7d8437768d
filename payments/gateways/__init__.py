"""Payout rails behind one interface. `gateway_for(rail)` picks the module from settings."""

from django.conf import settings
from django.utils.module_loading import import_string

from payments.gateways.base import Gateway, GatewayError, PayResult

__all__ = ["Gateway", "GatewayError", "PayResult", "gateway_for"]


def gateway_for(rail: str) -> Gateway:
    path = settings.PAYMENTS_GATEWAYS.get(rail)
    if not path:
        raise GatewayError(f"No gateway configured for the {rail!r} rail.")
    return import_string(path)()
