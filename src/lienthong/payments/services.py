"""Paying fees on-line. Other apps call `start_payment` and listen to
`signals.payment_succeeded`; the gateway's notifications come in through
`handle_notification` (the IPN view and the return view)."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.core.audit import _request_info, record_event

from .constants import (
    DESCRIPTION_MAX_LENGTH,
    MAX_AMOUNT_VND,
    MIN_AMOUNT_VND,
    REFERENCE_MAX_LENGTH,
    RETURN_URL_MAX_LENGTH,
    NotificationChannel,
    PaymentStatus,
)
from .models import Payment, PaymentNotification
from .providers import Answer, InvalidNotification, PaymentRequest, get_provider
from .signals import payment_succeeded

logger = logging.getLogger(__name__)


def _clean_return_url(url: str) -> str:
    """A path inside the platform: the payer is never sent anywhere else afterwards."""
    url = (url or "").strip()
    if (
        not url.startswith("/")
        or url.startswith(("//", "/\\"))
        or any(c.isspace() or not c.isprintable() for c in url)
        or len(url) > RETURN_URL_MAX_LENGTH
    ):
        raise ValidationError(
            {"return_url": _("The return address must be a path inside the platform.")}
        )
    return url


def _new_txn_ref() -> str:
    # Date for people reading gateway statements, random part so it cannot be guessed.
    return timezone.localtime().strftime("%y%m%d") + secrets.token_hex(6).upper()


def _client_ip() -> str:
    info = _request_info.get()
    return (info.ip_address if info else None) or "127.0.0.1"


@transaction.atomic
def start_payment(
    *,
    reference: str,
    amount_vnd: int,
    description: str,
    payer: Any | None,
    return_url: str,
) -> Payment:
    """Open a payment of `amount_vnd` đồng for `reference` and return it; send the payer to
    `payment.redirect_url` (the gateway's pay page). Afterwards the payer comes back to the
    payment's page, which leads on to `return_url` (a path inside the platform).

    Calling it again for the same reference while a payment is still open returns that same
    payment (a double click pays once); a reference already paid is refused."""
    reference = (reference or "").strip()
    description = (description or "").strip()
    errors: dict[str, str] = {}
    if not reference or len(reference) > REFERENCE_MAX_LENGTH:
        errors["reference"] = _("A reference of at most %(n)d characters is required.") % {
            "n": REFERENCE_MAX_LENGTH
        }
    if not description or len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("A description of at most %(n)d characters is required.") % {
            "n": DESCRIPTION_MAX_LENGTH
        }
    if (
        isinstance(amount_vnd, bool)
        or not isinstance(amount_vnd, int)
        or not MIN_AMOUNT_VND <= amount_vnd <= MAX_AMOUNT_VND
    ):
        errors["amount_vnd"] = _(
            "The amount must be a whole number of đồng from %(low)s to %(high)s."
        ) % {
            "low": f"{MIN_AMOUNT_VND:,}".replace(",", "."),
            "high": f"{MAX_AMOUNT_VND:,}".replace(",", "."),
        }
    if errors:
        raise ValidationError(errors)
    return_url = _clean_return_url(return_url)
    if payer is not None and not getattr(payer, "is_active", False):
        raise ValidationError(_("The payer's account is not active."))
    provider = get_provider()
    provider.check_configured()

    # Serialise attempts for one reference: lock its open payments (on SQLite the write
    # transaction already serialises everything).
    open_payments = list(
        Payment.objects.select_for_update()
        .filter(reference=reference)
        .exclude(status__in=[PaymentStatus.FAILED, PaymentStatus.CANCELLED])
    )
    now = timezone.now()
    for existing in open_payments:
        if existing.status == PaymentStatus.SUCCEEDED:
            raise ValidationError(
                _("%(reference)s has already been paid.") % {"reference": reference},
                code="already_paid",
            )
        if existing.expires_at > now:
            if existing.amount_vnd != amount_vnd:
                raise ValidationError(
                    _(
                        "A payment of another amount for %(reference)s is in progress; "
                        "try again after %(time)s."
                    )
                    % {
                        "reference": reference,
                        "time": timezone.localtime(existing.expires_at).strftime("%H:%M"),
                    },
                    code="payment_in_progress",
                )
            return existing
        # Expired: the gateway refuses it now, close it here too.
        existing.status = PaymentStatus.CANCELLED
        existing.completed_at = now
        existing.save(update_fields=["status", "completed_at"])
        record_event(
            action="payment.abandoned", actor=payer, obj=existing, data={"reference": reference}
        )

    expires_at = now + timedelta(minutes=settings.LIENTHONG_PAYMENT_EXPIRE_MINUTES)
    txn_ref = _new_txn_ref()
    redirect_url = provider.pay_url(
        PaymentRequest(
            txn_ref=txn_ref,
            amount_vnd=amount_vnd,
            description=description,
            return_url=settings.LIENTHONG_SITE_URL.rstrip("/") + reverse("payments:gateway-return"),
            client_ip=_client_ip(),
            created_at=now,
            expires_at=expires_at,
        )
    )
    payment = Payment.objects.create(
        reference=reference,
        txn_ref=txn_ref,
        amount_vnd=amount_vnd,
        description=description,
        payer=payer,
        provider=provider.name,
        return_url=return_url,
        redirect_url=redirect_url,
        expires_at=expires_at,
        created_at=now,
    )
    record_event(
        action="payment.started",
        actor=payer,
        obj=payment,
        data={"reference": reference, "amount_vnd": amount_vnd, "provider": provider.name},
    )
    return payment


@dataclass(frozen=True)
class NotificationOutcome:
    """What became of a notification: the answer for the gateway, and the payment if known."""

    answer: Answer
    body: dict[str, str]
    payment: Payment | None = None
    changed: bool = False


def _digest(provider: str, params: Mapping[str, str]) -> str:
    canonical = json.dumps([provider, sorted(params.items())], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def handle_notification(
    *,
    params: Mapping[str, str],
    channel: NotificationChannel | str = NotificationChannel.IPN,
    remote_addr: str | None = None,
) -> NotificationOutcome:
    """Apply a gateway notification (server-to-server IPN, or the payer's browser coming back
    with the same signed parameters).

    A notification that is not authentic raises `InvalidNotification` and changes nothing.
    An authentic one is checked against the payment (reference, amount); the first one that
    tells the outcome of a pending payment records it — and, if paid, sends
    `payment_succeeded` in the same transaction. Any later copy (a replay, the gateway's
    retry, the browser after the IPN, or two copies at the same moment) records nothing and
    is answered "already confirmed"."""
    provider = get_provider()
    result = provider.read_notification(params)  # raises InvalidNotification
    try:
        return _apply(
            provider_name=provider.name,
            result=result,
            channel=channel,
            remote_addr=remote_addr,
            answer=provider.answer,
        )
    except IntegrityError:
        # Two copies raced past the lock (only possible if the database does not lock rows):
        # the constraints kept one; this one recorded nothing.
        payment = Payment.objects.filter(txn_ref=result.txn_ref).first()
        return NotificationOutcome(
            Answer.ALREADY_CONFIRMED, provider.answer(Answer.ALREADY_CONFIRMED), payment
        )


@transaction.atomic
def _apply(
    *,
    provider_name: str,
    result: Any,
    channel: str,
    remote_addr: str | None,
    answer: Any,
) -> NotificationOutcome:
    payment = (
        Payment.objects.select_for_update()
        .filter(txn_ref=result.txn_ref, provider=provider_name)
        .first()
    )
    if payment is None:
        logger.warning("payment notification for unknown transaction %s", result.txn_ref)
        return NotificationOutcome(Answer.NOT_FOUND, answer(Answer.NOT_FOUND))
    digest = _digest(provider_name, result.params)
    if payment.status != PaymentStatus.PENDING:
        if (
            payment.status != PaymentStatus.SUCCEEDED
            and result.status == PaymentStatus.SUCCEEDED
            and not PaymentNotification.objects.filter(digest=digest).exists()
        ):
            # Money taken for an attempt already closed here: keep the notification and an
            # audit entry for the accountant to refund; the payment itself stays closed.
            logger.warning("payment %s paid after it was closed", payment.txn_ref)
            PaymentNotification.objects.create(
                payment=payment,
                provider=provider_name,
                channel=channel,
                digest=digest,
                params=result.params,
                answer_code=answer(Answer.ALREADY_CONFIRMED).get("RspCode", ""),
                outcome="paid after closing: refund due",
                remote_addr=remote_addr,
            )
            record_event(
                action="payment.paid_after_closing",
                obj=payment,
                data={"transaction_id": result.transaction_id, "amount_vnd": result.amount_vnd},
            )
        return NotificationOutcome(
            Answer.ALREADY_CONFIRMED, answer(Answer.ALREADY_CONFIRMED), payment
        )
    if result.amount_vnd != payment.amount_vnd:
        # Authentic but not for this amount: keep it for the accounts, change nothing else.
        if not PaymentNotification.objects.filter(digest=digest).exists():
            PaymentNotification.objects.create(
                payment=payment,
                provider=provider_name,
                channel=channel,
                digest=digest,
                params=result.params,
                answer_code=answer(Answer.WRONG_AMOUNT).get("RspCode", ""),
                outcome="wrong amount",
                remote_addr=remote_addr,
            )
            record_event(
                action="payment.wrong_amount",
                obj=payment,
                data={"expected": payment.amount_vnd, "notified": result.amount_vnd},
            )
        return NotificationOutcome(Answer.WRONG_AMOUNT, answer(Answer.WRONG_AMOUNT), payment)

    now = timezone.now()
    payment.status = result.status
    payment.response_code = result.response_code
    payment.bank_code = result.bank_code
    payment.completed_at = now
    if result.transaction_id and result.transaction_id != "0":
        payment.provider_transaction_id = result.transaction_id[:64]
    if result.status == PaymentStatus.SUCCEEDED:
        payment.paid_at = result.paid_at or now
    payment.save(
        update_fields=[
            "status",
            "response_code",
            "bank_code",
            "completed_at",
            "provider_transaction_id",
            "paid_at",
        ]
    )
    PaymentNotification.objects.create(
        payment=payment,
        provider=provider_name,
        channel=channel,
        digest=digest,
        params=result.params,
        answer_code=answer(Answer.CONFIRMED).get("RspCode", ""),
        outcome=str(result.status),
        remote_addr=remote_addr,
    )
    record_event(
        action=f"payment.{result.status}",
        actor=payment.payer if channel == NotificationChannel.RETURN else None,
        obj=payment,
        data={
            "reference": payment.reference,
            "amount_vnd": payment.amount_vnd,
            "response_code": result.response_code,
            "transaction_id": payment.provider_transaction_id,
            "channel": str(channel),
        },
    )
    if result.status == PaymentStatus.SUCCEEDED:
        payment_succeeded.send(sender=Payment, payment=payment)
    return NotificationOutcome(Answer.CONFIRMED, answer(Answer.CONFIRMED), payment, True)


__all__ = ["InvalidNotification", "NotificationOutcome", "handle_notification", "start_payment"]
