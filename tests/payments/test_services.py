"""start_payment and handle_notification against the simulator's real answers (pay page and
signed results fetched over HTTP; the notification handed to the service directly)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lienthong.core.models import AuditEvent
from lienthong.payments.constants import PaymentStatus
from lienthong.payments.models import Payment, PaymentNotification
from lienthong.payments.providers import Answer, InvalidNotification
from lienthong.payments.services import handle_notification, start_payment
from lienthong.payments.signals import payment_succeeded

from .conftest import query

pytestmark = pytest.mark.django_db


def _start(payer=None, reference="000.00.05.H12-120315-0001", amount=50_000):
    return start_payment(
        reference=reference,
        amount_vnd=amount,
        description="Lệ phí cấp giấy phép",
        payer=payer,
        return_url="/cong-dan/ho-so/1/",
    )


def test_a_paid_notification_records_the_payment_once_and_signals_once(
    gateway, pay, paid_signals
) -> None:
    payment = _start()
    result = query(pay(payment.redirect_url, "pay").location)
    outcome = handle_notification(params=result)
    assert outcome.answer == Answer.CONFIRMED and outcome.body["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.provider_transaction_id == result["vnp_TransactionNo"]
    assert payment.paid_at is not None
    assert paid_signals == [payment.pk]
    assert list(Payment.objects.paid_for(payment.reference)) == [payment]
    assert PaymentNotification.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment.succeeded", object_id=str(payment.pk)).exists()
    # The same notification again (a replay, the gateway's retry, the browser's return).
    again = handle_notification(params=result, channel="return")
    assert again.body == {"RspCode": "02", "Message": "Order already confirmed"}
    assert paid_signals == [payment.pk]
    assert PaymentNotification.objects.count() == 1


@pytest.mark.parametrize(
    "action,status", [("cancel", PaymentStatus.CANCELLED), ("decline", PaymentStatus.FAILED)]
)
def test_cancelled_or_declined_payment_is_recorded_without_signal(
    gateway, pay, paid_signals, action, status
) -> None:
    payment = _start()
    handle_notification(params=query(pay(payment.redirect_url, action).location))
    payment.refresh_from_db()
    assert payment.status == status
    assert payment.provider_transaction_id == ""
    assert paid_signals == []
    assert not Payment.objects.paid_for(payment.reference).exists()
    # A new attempt for the same reference may then be paid.
    second = _start()
    assert second.pk != payment.pk
    handle_notification(params=query(pay(second.redirect_url, "pay").location))
    assert list(Payment.objects.paid_for(payment.reference)) == [second]


def test_bad_signature_is_refused_and_changes_nothing(
    gateway, pay, paid_signals, db_snapshot
) -> None:
    payment = _start()
    result = query(pay(payment.redirect_url, "cancel").location)
    forged = {**result, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    before = db_snapshot()
    with pytest.raises(InvalidNotification) as refused:
        handle_notification(params=forged)
    assert "chữ ký" in refused.value.messages[0]
    assert db_snapshot() == before
    assert paid_signals == []
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_wrong_amount_is_refused_kept_for_the_accounts_and_pays_nothing(
    gateway, pay, paid_signals
) -> None:
    payment = _start(amount=50_000)
    result = query(pay(payment.redirect_url, "pay").location)
    # Authentic (signed by the gateway) but for 5 000 ₫ only.
    short = gateway.signed({**result, "vnp_Amount": "500000"})
    outcome = handle_notification(params=short)
    assert outcome.body["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert paid_signals == []
    kept = PaymentNotification.objects.get()
    assert (kept.outcome, kept.answer_code) == ("wrong amount", "04")
    assert handle_notification(params=short).body["RspCode"] == "04"
    assert PaymentNotification.objects.count() == 1
    # The right notification still pays.
    assert handle_notification(params=result).body["RspCode"] == "00"
    assert paid_signals == [payment.pk]


def test_notification_for_an_unknown_transaction_is_answered_not_found(
    gateway, pay, db_snapshot
) -> None:
    payment = _start()
    result = query(pay(payment.redirect_url, "pay").location)
    unknown = gateway.signed({**result, "vnp_TxnRef": "NOPE"})
    before = db_snapshot()
    assert handle_notification(params=unknown).body["RspCode"] == "01"
    assert db_snapshot() == before


def test_a_failing_listener_undoes_the_whole_notification(gateway, pay) -> None:
    payment = _start()
    result = query(pay(payment.redirect_url, "pay").location)

    def broken(sender, payment, **kwargs):
        raise RuntimeError("the dossier could not be updated")

    payment_succeeded.connect(broken, dispatch_uid="broken")
    try:
        with pytest.raises(RuntimeError):
            handle_notification(params=result)
    finally:
        payment_succeeded.disconnect(dispatch_uid="broken")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not PaymentNotification.objects.exists()
    # Sent again later (the gateway retries), it records the payment.
    assert handle_notification(params=result).body["RspCode"] == "00"


def test_start_payment_refuses_bad_input_and_writes_nothing(user_factory, db_snapshot) -> None:
    before = db_snapshot()
    bad = [
        {"amount_vnd": 0},
        {"amount_vnd": 4_999},
        {"amount_vnd": 10**9},
        {"amount_vnd": 12.5},
        {"amount_vnd": True},
        {"reference": ""},
        {"reference": "x" * 101},
        {"description": " "},
        {"return_url": "https://evil.example/"},
        {"return_url": "//evil.example/"},
        {"return_url": "/a b"},
    ]
    for change in bad:
        fields = {
            "reference": "R-1",
            "amount_vnd": 50_000,
            "description": "Lệ phí",
            "payer": None,
            "return_url": "/",
            **change,
        }
        with pytest.raises(ValidationError):
            start_payment(**fields)
    assert db_snapshot() == before


def test_open_payment_is_reused_paid_reference_refused_expired_one_closed(
    gateway, pay, settings
) -> None:
    first = _start()
    assert _start().pk == first.pk  # a double click: one payment
    with pytest.raises(ValidationError):
        _start(amount=60_000)  # another amount while the first is still payable
    Payment.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    second = _start()
    first.refresh_from_db()
    assert second.pk != first.pk and first.status == PaymentStatus.CANCELLED
    handle_notification(params=query(pay(second.redirect_url, "pay").location))
    with pytest.raises(ValidationError) as refused:
        _start()
    assert refused.value.code == "already_paid"


def test_payments_cannot_start_without_a_configured_gateway(settings, db_snapshot) -> None:
    settings.LIENTHONG_PAYMENT_SECRET = ""
    before = db_snapshot()
    with pytest.raises(ValidationError, match="cấu hình"):
        _start()
    assert db_snapshot() == before


def test_gateway_refuses_a_tampered_or_expired_pay_request(gateway, browser) -> None:
    payment = _start()
    tampered = payment.redirect_url.replace("vnp_Amount=5000000", "vnp_Amount=500000")
    assert tampered != payment.redirect_url
    reply = browser.get(tampered)
    assert reply.status == 400 and "Sai chữ ký" in reply.text
    ok = browser.get(payment.redirect_url)
    assert ok.status == 200 and "50,000 VND" in ok.text
