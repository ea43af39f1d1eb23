"""The payment-provider interface: what the platform needs from any payment gateway.

A provider turns a payment into the address of the gateway's pay page, checks a notification
from the gateway (server-to-server, or the payer's browser coming back) and says how the
gateway wants to be answered. The services never speak a gateway's protocol themselves.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError

from ..constants import PaymentStatus


class InvalidNotification(ValidationError):
    """A notification that is not authentic (bad or missing signature) or not well-formed."""


@dataclass(frozen=True)
class PaymentRequest:
    """What a provider needs to send the payer to the gateway."""

    txn_ref: str
    amount_vnd: int
    description: str
    return_url: str  # absolute address of the platform's return page
    client_ip: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class GatewayResult:
    """An authentic notification, read into the platform's terms."""

    txn_ref: str
    amount_vnd: int
    status: PaymentStatus  # succeeded, failed or cancelled (never pending)
    response_code: str
    transaction_id: str
    bank_code: str = ""
    paid_at: datetime | None = None
    params: dict[str, str] = field(default_factory=dict)


class Answer(enum.Enum):
    """How the platform answers a notification; each provider spells it its own way."""

    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    NOT_FOUND = "not_found"
    WRONG_AMOUNT = "wrong_amount"
    BAD_SIGNATURE = "bad_signature"
    ERROR = "error"


class PaymentProvider(abc.ABC):
    """A payment gateway. Subclasses are registered in `providers.PROVIDERS` by `name`."""

    name: str

    @abc.abstractmethod
    def check_configured(self) -> None:
        """Raise ValidationError (with a message for the payer) if payments cannot be made."""

    @abc.abstractmethod
    def pay_url(self, request: PaymentRequest) -> str:
        """The address of the gateway's pay page for this payment (signed if the protocol says
        so). Called once, when the payment is created."""

    @abc.abstractmethod
    def read_notification(self, params: Mapping[str, str]) -> GatewayResult:
        """Check and read a notification. Raise `InvalidNotification` if it is not authentic
        or not well-formed; nothing must then be changed."""

    @abc.abstractmethod
    def answer(self, answer: Answer) -> dict[str, str]:
        """The body (JSON) the gateway expects in reply to a server-to-server notification."""
