"""Fees: a level-4 procedure's fee paid on-line through the payments app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.payments.services import start_payment

from ..constants import (
    HandOverAction,
)
from ..models import (
    Dossier,
)
from ..permissions import enforce, fee_payable, why_not_pay_fee
from ._common import _locked, _now, _record


def payment_reference(dossier: Dossier) -> str:
    return f"HS-{dossier.code}"


@transaction.atomic
def mark_fee_paid(
    *, reference: str, amount_vnd: int, paid_at: datetime | None = None
) -> Dossier | None:
    """Record the fee of the dossier a payment reference names (once; a repeat changes
    nothing). Called from the payments app's `payment_succeeded` signal."""
    if not reference.startswith("HS-"):
        return None
    dossier = Dossier.objects.select_for_update().filter(code=reference[3:]).first()
    if dossier is None or dossier.fee_paid_at is not None:
        return dossier
    if amount_vnd < dossier.fee_vnd:
        raise ValidationError(_("The amount paid is less than the fee."))
    dossier.fee_paid_at, dossier.payment_reference = paid_at or _now(), reference
    dossier.save(update_fields=["fee_paid_at", "payment_reference", "updated_at"])
    _record(dossier, HandOverAction.FEE_PAID, actor=None, note=f"{amount_vnd} VND")
    return dossier


def may_pay(dossier: Dossier) -> bool:
    """A level-4 procedure with a fee: the applicant pays on-line once the dossier has its
    code, until the fee is recorded (`permissions.fee_payable`)."""
    return fee_payable(dossier)


@transaction.atomic
def start_fee_payment(*, actor: User, dossier: Dossier, return_url: str) -> Any:
    """Open the payment of the dossier's fee with the payment provider (payments app); the
    `payment_succeeded` signal marks it paid."""
    dossier = _locked(dossier)
    enforce(why_not_pay_fee(actor, dossier))
    return start_payment(
        reference=payment_reference(dossier),
        amount_vnd=int(dossier.fee_vnd),
        description=f"Lệ phí hồ sơ {dossier.code}",
        payer=actor,
        return_url=return_url,
    )
