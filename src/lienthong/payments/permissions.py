"""The single access check of payments."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.http import Http404

from .models import Payment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

# Session key of the payments whose signed result this browser brought back from the gateway
# (lets a payer without an account see the result of their own payment).
SESSION_KEY = "payments_returned"


def access_payment(
    user: User | AnonymousUser, txn_ref: str, *, returned: Collection[str] = ()
) -> Payment:
    """The payment if the user paid it (or is a superuser), or if this browser came back
    with it from the gateway; 404 for a missing and a forbidden one alike."""
    payment = Payment.objects.visible_to(user).filter(txn_ref=txn_ref).first() or (
        Payment.objects.filter(txn_ref=txn_ref).first() if txn_ref in returned else None
    )
    if payment is None:
        raise Http404
    return payment
