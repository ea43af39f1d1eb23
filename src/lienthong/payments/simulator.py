"""A local simulator of the payment gateway protocol of docs/payments.md.

It plays the gateway's part: it checks the signed pay request, shows a pay page (pay, cancel,
or a card refused), then — like the real gateway — calls the platform's IPN address
server-to-server with the signed result and sends the payer's browser back to the return
address with the same parameters. It is a plain WSGI application (no Django), so it can run
beside the platform (`lienthong payment_simulator --port 8765`) or inside a test.

The signature is computed here independently of `providers.vnpay`, so a mistake on one side
shows up as a refused signature on the other.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode
from zoneinfo import ZoneInfo

from lienthong.core.simulators import ServedSimulator

PAY_PATH = "/paymentv2/vpcpay.html"
CONFIRM_PATH = "/paymentv2/confirm"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"

# The payer's choices on the pay page and what the gateway then reports.
OUTCOMES = {
    "pay": ("00", "00"),  # paid
    "cancel": ("24", "02"),  # the payer cancelled
    "decline": ("51", "02"),  # not enough money on the account
}

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def signature(params: dict[str, str], secret: str) -> str:
    text = "&".join(
        quote_plus(key) + "=" + quote_plus(params[key])
        for key in sorted(params)
        if key.startswith("vnp_") and key not in ("vnp_SecureHash", "vnp_SecureHashType")
    )
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


@dataclass
class SentNotification:
    url: str
    params: dict[str, str]
    status: int | None
    body: str


@dataclass
class GatewaySimulator:
    merchant_code: str
    secret: str
    ipn_url: str
    deliver_ipn: bool = True
    sent: list[SentNotification] = field(default_factory=list)
    # Transaction numbers start from the clock so that a restarted simulator never reuses one.
    _numbers: Iterator[int] = field(
        default_factory=lambda: itertools.count(int(time.time()) % 10**8 * 10)
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- WSGI ---------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == PAY_PATH and method == "GET":
            return self._pay_page(environ, start_response)
        if path == CONFIRM_PATH and method == "POST":
            return self._confirm(environ, start_response)
        if path == "/health":
            return _respond(start_response, "200 OK", "ok", "text/plain")
        return _respond(start_response, "404 Not Found", _page("Không tìm thấy", "<p>404</p>"))

    def _check_request(self, params: dict[str, str]) -> str | None:
        """The gateway's checks of a pay request; the reason it is refused, or None."""
        received = params.get("vnp_SecureHash", "")
        if not received or not hmac.compare_digest(
            signature(params, self.secret), received.lower()
        ):
            return "Sai chữ ký (mã lỗi 70)"
        if params.get("vnp_TmnCode") != self.merchant_code:
            return "Mã website không tồn tại (mã lỗi 02)"
        if params.get("vnp_Version") != "2.1.0" or params.get("vnp_Command") != "pay":
            return "Yêu cầu không hợp lệ (mã lỗi 03)"
        amount = params.get("vnp_Amount", "")
        if not amount.isdigit() or int(amount) <= 0 or params.get("vnp_CurrCode") != "VND":
            return "Số tiền không hợp lệ (mã lỗi 03)"
        try:
            expires = datetime.strptime(params.get("vnp_ExpireDate", ""), DATE_FORMAT)
        except ValueError:
            return "Thời hạn thanh toán không hợp lệ (mã lỗi 03)"
        if expires.replace(tzinfo=TZ) <= datetime.now(TZ):
            return "Giao dịch đã quá thời gian chờ thanh toán (mã lỗi 11)"
        if not params.get("vnp_ReturnUrl", "").startswith(("http://", "https://")):
            return "Địa chỉ trả về không hợp lệ (mã lỗi 03)"
        return None

    def _pay_page(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        query = environ.get("QUERY_STRING", "")
        params = dict(parse_qsl(query, keep_blank_values=True))
        refused = self._check_request(params)
        if refused:
            return _respond(
                start_response,
                "400 Bad Request",
                _page("Giao dịch không thành công", f"<p id='error'>{html.escape(refused)}</p>"),
            )
        amount = int(params["vnp_Amount"]) // 100
        body = f"""
<h1>Cổng thanh toán (mô phỏng)</h1>
<dl>
  <dt>Đơn vị</dt><dd>{html.escape(self.merchant_code)}</dd>
  <dt>Mã giao dịch</dt><dd id="txn-ref">{html.escape(params["vnp_TxnRef"])}</dd>
  <dt>Nội dung</dt><dd>{html.escape(params.get("vnp_OrderInfo", ""))}</dd>
  <dt>Số tiền</dt><dd id="amount">{amount:,} VND</dd>
</dl>
<form method="post" action="{CONFIRM_PATH}">
  <input type="hidden" name="q" value="{html.escape(query)}">
  <label>Ngân hàng <select name="bank"><option>NCB</option><option>VCB</option></select></label>
  <button name="action" value="pay">Thanh toán</button>
  <button name="action" value="decline">Thẻ không đủ số dư</button>
  <button name="action" value="cancel">Hủy giao dịch</button>
</form>"""
        return _respond(start_response, "200 OK", _page("Thanh toán", body))

    def _confirm(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = dict(parse_qsl(environ["wsgi.input"].read(length).decode(), keep_blank_values=True))
        params = dict(parse_qsl(form.get("q", ""), keep_blank_values=True))
        refused = self._check_request(params)
        action = form.get("action", "")
        if refused or action not in OUTCOMES:
            return _respond(
                start_response,
                "400 Bad Request",
                _page("Giao dịch không thành công", f"<p>{html.escape(refused or action)}</p>"),
            )
        result = self.result_for(params, action=action, bank=form.get("bank", "NCB"))
        if self.deliver_ipn:
            self.notify(result)
        location = params["vnp_ReturnUrl"] + "?" + urlencode(result)
        start_response("302 Found", [("Location", location), ("Content-Length", "0")])
        return [b""]

    # --- the gateway's side of a transaction ---------------------------------------------------
    def result_for(
        self, request: dict[str, str], *, action: str, bank: str = "NCB"
    ) -> dict[str, str]:
        """The signed result parameters the gateway sends for a pay request."""
        response_code, status = OUTCOMES[action]
        with self._lock:
            number = next(self._numbers)
        result = {
            "vnp_TmnCode": self.merchant_code,
            "vnp_Amount": request["vnp_Amount"],
            "vnp_BankCode": bank,
            "vnp_BankTranNo": f"{bank}{number}" if action == "pay" else "",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": request.get("vnp_OrderInfo", ""),
            "vnp_PayDate": datetime.now(TZ).strftime(DATE_FORMAT),
            "vnp_ResponseCode": response_code,
            "vnp_TransactionNo": str(number) if action == "pay" else "0",
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": request["vnp_TxnRef"],
        }
        return self.signed(result)

    def signed(self, params: dict[str, str]) -> dict[str, str]:
        unsigned = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
        return {**unsigned, "vnp_SecureHash": signature(unsigned, self.secret)}

    def notify(self, result: dict[str, str]) -> SentNotification:
        """Call the platform's IPN address with `result`, as the gateway does (GET)."""
        url = self.ipn_url + "?" + urlencode(result)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (http only)
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read().decode(errors="replace")
        except OSError as exc:
            status, body = None, str(exc)
        sent = SentNotification(url=url, params=result, status=status, body=body)
        with self._lock:
            self.sent.append(sent)
        return sent

    def answers(self) -> list[str]:
        """The RspCode of every IPN answer received so far."""
        codes = []
        for sent in self.sent:
            try:
                codes.append(json.loads(sent.body).get("RspCode", ""))
            except ValueError:
                codes.append("")
        return codes


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )


def _respond(
    start_response: StartResponse, status: str, text: str, content_type: str = "text/html"
) -> list[bytes]:
    data = text.encode()
    start_response(
        status,
        [("Content-Type", f"{content_type}; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


class RunningSimulator(ServedSimulator[GatewaySimulator]):
    """The simulator served on 127.0.0.1:`port` in a background thread; `url` is its pay page."""

    def __init__(self, simulator: GatewaySimulator, port: int, host: str = "127.0.0.1") -> None:
        super().__init__(simulator, port, host)
        self.url = f"{self.url}{PAY_PATH}"
