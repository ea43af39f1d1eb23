"""Payment providers, chosen by the setting `LIENTHONG_PAYMENT_PROVIDER`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (
    Answer,
    GatewayResult,
    InvalidNotification,
    PaymentProvider,
    PaymentRequest,
)
from .vnpay import VnpayProvider

PROVIDERS: dict[str, type[PaymentProvider]] = {VnpayProvider.name: VnpayProvider}

__all__ = [
    "PROVIDERS",
    "Answer",
    "GatewayResult",
    "InvalidNotification",
    "PaymentProvider",
    "PaymentRequest",
    "get_provider",
]


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider named `name`, by default the one the settings choose."""
    name = name or settings.LIENTHONG_PAYMENT_PROVIDER
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"LIENTHONG_PAYMENT_PROVIDER={name!r} is not one of {sorted(PROVIDERS)}"
        ) from None
