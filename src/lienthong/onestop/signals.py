"""Receivers of other apps' signals: a succeeded payment marks the dossier's fee paid."""

from __future__ import annotations

from typing import Any

from .services import mark_fee_paid

payment_succeeded: Any
try:
    from lienthong.payments.signals import payment_succeeded
except ImportError:  # the payments app is not installed
    payment_succeeded = None


def _on_payment_succeeded(sender: Any, payment: Any, **kwargs: Any) -> None:
    mark_fee_paid(
        reference=str(payment.reference),
        amount_vnd=int(payment.amount_vnd),
        paid_at=getattr(payment, "paid_at", None),
    )


if payment_succeeded is not None:
    payment_succeeded.connect(_on_payment_succeeded, dispatch_uid="onestop_payment_succeeded")
