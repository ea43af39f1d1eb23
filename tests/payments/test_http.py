"""The whole protocol over real HTTP: the platform served by a live server, the payer's
browser, the gateway simulator calling the platform's IPN address."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from lienthong.payments.constants import PaymentStatus
from lienthong.payments.models import Payment, PaymentNotification
from lienthong.payments.services import start_payment

from .conftest import Browser, query

pytestmark = pytest.mark.django_db(transaction=True)


def _start(payer=None):
    return start_payment(
        reference="000.00.05.H12-120315-0007",
        amount_vnd=150_000,
        description="Phí thẩm định cấp giấy phép hoạt động in",
        payer=payer,
        return_url="/cong-dan/ho-so/7/",
    )


def test_payer_pays_gateway_notifies_and_browser_shows_the_result(
    live_server, live_gateway, pay, browser, paid_signals
) -> None:
    payment = _start()
    page = browser.get(payment.redirect_url)
    assert "150,000 VND" in page.text and payment.txn_ref in page.text
    back = pay(payment.redirect_url, "pay")
    # The gateway called the IPN before sending the browser back; the platform confirmed.
    assert [s.status for s in live_gateway.sent] == [200]
    assert live_gateway.answers() == ["00"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert paid_signals == [payment.pk]
    # The browser comes back with the same signed result: shown, not recorded again.
    assert back.location.startswith(live_server.url + reverse("payments:gateway-return"))
    returned = browser.get(back.location)
    assert returned.status == 302 and returned.location == payment.get_absolute_url()
    result = browser.get(live_server.url + returned.location)
    assert result.status == 200
    assert "Đã nộp" in result.text and "150.000 đ" in result.text
    assert 'href="/cong-dan/ho-so/7/"' in result.text
    assert PaymentNotification.objects.count() == 1
    assert paid_signals == [payment.pk]
    # Somebody else's browser cannot see the payment.
    assert Browser().get(live_server.url + payment.get_absolute_url()).status == 404


def test_payer_cancels_on_the_gateway(live_server, live_gateway, pay, browser, paid_signals):
    payment = _start()
    back = pay(payment.redirect_url, "cancel")
    assert live_gateway.answers() == ["00"]
    result = browser.get(live_server.url + browser.get(back.location).location)
    assert "Đã hủy" in result.text and "Không có khoản tiền nào bị trừ" in result.text
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED and paid_signals == []


def test_replayed_ipn_records_nothing_twice(
    live_server, live_gateway, pay, paid_signals, db_snapshot
) -> None:
    payment = _start()
    pay(payment.redirect_url, "pay")
    before = db_snapshot()
    replay = live_gateway.notify(live_gateway.sent[0].params)
    assert json.loads(replay.body) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert db_snapshot() == before
    assert paid_signals == [payment.pk]


def test_ipn_with_a_bad_signature_is_answered_97_and_changes_nothing(
    live_server, held_gateway, pay, browser, paid_signals, db_snapshot
) -> None:
    payment = _start()
    result = query(pay(payment.redirect_url, "cancel").location)
    forged = {**result, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    before = db_snapshot()
    from urllib.parse import urlencode

    reply = browser.get(live_server.url + reverse("payments:gateway-ipn") + "?" + urlencode(forged))
    assert reply.status == 200
    assert json.loads(reply.text) == {"RspCode": "97", "Message": "Invalid signature"}
    posted = browser.post(live_server.url + reverse("payments:gateway-ipn"), forged)
    assert json.loads(posted.text)["RspCode"] == "97"
    assert db_snapshot() == before
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and paid_signals == []


def test_tampered_return_url_is_refused_with_a_clear_error_and_changes_nothing(
    live_server, held_gateway, pay, browser, db_snapshot
) -> None:
    payment = _start()
    back = pay(payment.redirect_url, "cancel").location
    # The payer edits the address bar: "cancelled" becomes "paid".
    tampered = back.replace("vnp_ResponseCode=24", "vnp_ResponseCode=00").replace(
        "vnp_TransactionStatus=02", "vnp_TransactionStatus=00"
    )
    assert tampered != back
    before = db_snapshot()
    reply = browser.get(tampered)
    assert reply.status == 400
    assert "Không thể chấp nhận kết quả thanh toán" in reply.text
    assert "Sai chữ ký" in reply.text
    assert db_snapshot() == before
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    # Nor was the browser allowed to see the payment.
    assert browser.get(live_server.url + payment.get_absolute_url()).status == 404


def test_concurrent_duplicate_notifications_record_the_payment_once(
    live_server, held_gateway, pay, paid_signals
) -> None:
    """Eight copies of the same notification at the same moment — six IPN calls of the
    gateway and two browsers returning — on the threaded live server."""
    payment = _start()
    back = pay(payment.redirect_url, "pay").location
    result = query(back)
    gateway = held_gateway
    barrier = threading.Barrier(8)
    answers: list[str] = []
    returns: list[int] = []
    errors: list[BaseException] = []

    def ipn() -> None:
        try:
            barrier.wait()
            answers.append(json.loads(gateway.notify(result).body)["RspCode"])
        except BaseException as exc:
            errors.append(exc)

    def browser_back() -> None:
        try:
            barrier.wait()
            returns.append(Browser().get(back).status)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ipn) for _ in range(6)]
    threads += [threading.Thread(target=browser_back) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    connection.close()
    assert errors == []
    assert returns == [302, 302]
    applied_by_ipn = answers.count("00")
    assert sorted(answers) == ["00"] * applied_by_ipn + ["02"] * (6 - applied_by_ipn)
    assert applied_by_ipn <= 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert PaymentNotification.objects.filter(payment=payment).count() == 1
    assert paid_signals == [payment.pk]
    assert Payment.objects.paid_for(payment.reference).count() == 1
