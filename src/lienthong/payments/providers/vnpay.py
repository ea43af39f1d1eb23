"""A provider speaking the redirect + IPN protocol written down in docs/payments.md, in the
style of the VNPay payment gateway (version 2.1.0): query parameters prefixed `vnp_`, sorted
by name, URL-encoded and signed with HMAC-SHA512 under a secret shared with the gateway."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..constants import PaymentStatus
from .base import Answer, GatewayResult, InvalidNotification, PaymentProvider, PaymentRequest

VERSION = "2.1.0"
HASH_FIELD = "vnp_SecureHash"
UNSIGNED_FIELDS = frozenset({HASH_FIELD, "vnp_SecureHashType"})
GATEWAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # dates are yyyyMMddHHmmss in GMT+7
DATE_FORMAT = "%Y%m%d%H%M%S"
SUCCESS = "00"
CANCELLED_BY_PAYER = "24"

ANSWERS = {
    Answer.CONFIRMED: ("00", "Confirm Success"),
    Answer.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    Answer.NOT_FOUND: ("01", "Order not found"),
    Answer.WRONG_AMOUNT: ("04", "Invalid amount"),
    Answer.BAD_SIGNATURE: ("97", "Invalid signature"),
    Answer.ERROR: ("99", "Unknown error"),
}

NOTIFICATION_FIELDS = (
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_TxnRef",
    "vnp_ResponseCode",
    "vnp_TransactionStatus",
    "vnp_TransactionNo",
)


def canonical_query(params: Mapping[str, str]) -> str:
    """The signed text: every `vnp_` parameter except the hash, sorted by name, as
    `name=value` pairs URL-encoded with `+` for spaces, joined by `&`."""
    pairs = sorted(
        (key, value)
        for key, value in params.items()
        if key.startswith("vnp_") and key not in UNSIGNED_FIELDS
    )
    return "&".join(f"{quote_plus(key)}={quote_plus(str(value))}" for key, value in pairs)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical_query(params).encode(), hashlib.sha512).hexdigest()


def ascii_text(text: str) -> str:
    """Order information without tone marks (the gateway takes ASCII only)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^\x20-\x7e]", "", plain).strip()[:255]


class VnpayProvider(PaymentProvider):
    name = "vnpay"

    def __init__(
        self,
        *,
        gateway_url: str | None = None,
        merchant_code: str | None = None,
        secret: str | None = None,
    ) -> None:
        self.gateway_url = gateway_url or settings.LIENTHONG_PAYMENT_GATEWAY_URL
        self.merchant_code = merchant_code or settings.LIENTHONG_PAYMENT_MERCHANT_CODE
        self.secret = secret or settings.LIENTHONG_PAYMENT_SECRET

    def check_configured(self) -> None:
        if not (self.gateway_url and self.merchant_code and self.secret):
            raise ValidationError(
                _("On-line payment is not available: the payment gateway is not configured."),
                code="payments_not_configured",
            )

    def pay_url(self, request: PaymentRequest) -> str:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.merchant_code,
            "vnp_Amount": str(request.amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": request.txn_ref,
            "vnp_OrderInfo": ascii_text(request.description) or request.txn_ref,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.client_ip,
            "vnp_CreateDate": request.created_at.astimezone(GATEWAY_TZ).strftime(DATE_FORMAT),
            "vnp_ExpireDate": request.expires_at.astimezone(GATEWAY_TZ).strftime(DATE_FORMAT),
        }
        params[HASH_FIELD] = sign(params, self.secret)
        return f"{self.gateway_url}?{urlencode(params)}"

    def read_notification(self, params: Mapping[str, str]) -> GatewayResult:
        received = str(params.get(HASH_FIELD, ""))
        if not received or not self.secret:
            raise InvalidNotification(_("The notification is not signed."), code="payment_unsigned")
        expected = sign(params, self.secret)
        if not hmac.compare_digest(expected, received.lower()):
            raise InvalidNotification(
                _("The notification's signature is wrong: it did not come from the gateway."),
                code="payment_bad_signature",
            )
        missing = [name for name in NOTIFICATION_FIELDS if not params.get(name)]
        if missing:
            raise InvalidNotification(
                _("The notification lacks %(fields)s.") % {"fields": ", ".join(missing)},
                code="payment_malformed",
            )
        if params["vnp_TmnCode"] != self.merchant_code:
            raise InvalidNotification(
                _("The notification is for another merchant."), code="payment_malformed"
            )
        raw_amount = str(params["vnp_Amount"])
        if not raw_amount.isdigit() or int(raw_amount) % 100:
            raise InvalidNotification(
                _("The notification's amount is not a whole number of đồng."),
                code="payment_malformed",
            )
        response_code = str(params["vnp_ResponseCode"])
        if response_code == SUCCESS and params["vnp_TransactionStatus"] == SUCCESS:
            status = PaymentStatus.SUCCEEDED
        elif response_code == CANCELLED_BY_PAYER:
            status = PaymentStatus.CANCELLED
        else:
            status = PaymentStatus.FAILED
        paid_at = None
        if status == PaymentStatus.SUCCEEDED and params.get("vnp_PayDate"):
            try:
                paid_at = datetime.strptime(str(params["vnp_PayDate"]), DATE_FORMAT).replace(
                    tzinfo=GATEWAY_TZ
                )
            except ValueError:
                raise InvalidNotification(
                    _("The notification's payment date is not a date."),
                    code="payment_malformed",
                ) from None
        return GatewayResult(
            txn_ref=str(params["vnp_TxnRef"]),
            amount_vnd=int(raw_amount) // 100,
            status=status,
            response_code=response_code,
            transaction_id=str(params["vnp_TransactionNo"]),
            bank_code=str(params.get("vnp_BankCode", ""))[:32],
            paid_at=paid_at,
            params={key: str(value) for key, value in params.items()},
        )

    def answer(self, answer: Answer) -> dict[str, str]:
        code, message = ANSWERS[answer]
        return {"RspCode": code, "Message": message}
