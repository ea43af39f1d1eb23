"""The signature of docs/payments.md, computed three ways: from the protocol text by hand, by
the platform's provider and by the independent simulator."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lienthong.payments.constants import PaymentStatus
from lienthong.payments.providers import InvalidNotification, PaymentRequest
from lienthong.payments.providers.vnpay import VnpayProvider, ascii_text, canonical_query, sign
from lienthong.payments.simulator import signature

SECRET = "s3cret"
PARAMS = {
    "vnp_TxnRef": "A 1",
    "vnp_Amount": "1000000",
    "vnp_OrderInfo": "Le phi & cap phep",
    "vnp_SecureHash": "ignored",
    "other": "not signed",
}
# Sorted by name, URL-encoded with '+' for spaces, joined by '&'; the hash and non-vnp_ left out.
CANONICAL = "vnp_Amount=1000000&vnp_OrderInfo=Le+phi+%26+cap+phep&vnp_TxnRef=A+1"


def test_canonical_text_and_signature_follow_the_protocol() -> None:
    assert canonical_query(PARAMS) == CANONICAL
    expected = hmac.new(SECRET.encode(), CANONICAL.encode(), hashlib.sha512).hexdigest()
    assert sign(PARAMS, SECRET) == expected
    assert signature(PARAMS, SECRET) == expected
    assert len(expected) == 128


def test_pay_url_is_signed_in_vnd_times_100_with_gmt7_dates() -> None:
    provider = VnpayProvider(
        gateway_url="https://gw.example/pay", merchant_code="M1", secret=SECRET
    )
    created = datetime(2012, 3, 15, 1, 30, tzinfo=ZoneInfo("UTC"))
    url = provider.pay_url(
        PaymentRequest(
            txn_ref="T1",
            amount_vnd=50_000,
            description="Lệ phí cấp giấy phép Đài",
            return_url="http://x/thanh-toan/ket-qua/",
            client_ip="10.0.0.1",
            created_at=created,
            expires_at=created.replace(minute=45),
        )
    )
    from urllib.parse import parse_qsl, urlsplit

    params = dict(parse_qsl(urlsplit(url).query))
    assert params["vnp_Amount"] == "5000000"
    assert params["vnp_CreateDate"] == "20120315083000"
    assert params["vnp_ExpireDate"] == "20120315084500"
    assert params["vnp_OrderInfo"] == "Le phi cap giay phep Dai"
    assert params["vnp_SecureHash"] == signature(params, SECRET)


def test_notification_with_a_wrong_or_missing_signature_is_refused() -> None:
    provider = VnpayProvider(gateway_url="g", merchant_code="M1", secret=SECRET)
    good = {
        "vnp_TmnCode": "M1",
        "vnp_Amount": "1000000",
        "vnp_TxnRef": "T1",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TransactionNo": "42",
    }
    good["vnp_SecureHash"] = signature(good, SECRET)
    result = provider.read_notification(good)
    assert (result.status, result.amount_vnd, result.transaction_id) == (
        PaymentStatus.SUCCEEDED,
        10_000,
        "42",
    )
    with pytest.raises(InvalidNotification, match="chữ ký"):
        provider.read_notification({**good, "vnp_Amount": "100"})
    with pytest.raises(InvalidNotification):
        provider.read_notification({k: v for k, v in good.items() if k != "vnp_SecureHash"})
    other_secret = {**good, "vnp_SecureHash": signature(good, "another")}
    with pytest.raises(InvalidNotification):
        provider.read_notification(other_secret)
    cancelled = {**good, "vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"}
    cancelled["vnp_SecureHash"] = signature(cancelled, SECRET)
    assert provider.read_notification(cancelled).status == PaymentStatus.CANCELLED


def test_order_information_loses_tone_marks_only() -> None:
    assert ascii_text("Đăng ký kết hôn \u2013 2012") == "Dang ky ket hon  2012"
