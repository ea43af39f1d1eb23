"""The local gateway simulator on a free port, and a plain HTTP client for talking to it and to
the live platform (the tests speak the protocol over real HTTP)."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from lienthong.payments.signals import payment_succeeded
from lienthong.payments.simulator import GatewaySimulator, RunningSimulator
from tests.conftest import free_port


@dataclass
class Reply:
    status: int
    headers: Any
    text: str

    @property
    def location(self) -> str:
        return str(self.headers.get("Location", ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the tests look at every redirect themselves


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> Reply:
        return self._send(urllib.request.Request(url))  # noqa: S310 (http test servers)

    def post(self, url: str, data: dict[str, str]) -> Reply:
        return self._send(
            urllib.request.Request(url, data=urlencode(data).encode())  # noqa: S310
        )

    def _send(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Reply(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.headers, exc.read().decode(errors="replace"))


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


@pytest.fixture
def browser() -> Browser:
    return Browser()


@pytest.fixture
def gateway(settings: Any) -> Iterator[GatewaySimulator]:
    """The simulator, holding its notifications back (the test sends them itself)."""
    simulator = GatewaySimulator(
        merchant_code=django_settings.LIENTHONG_PAYMENT_MERCHANT_CODE,
        secret=django_settings.LIENTHONG_PAYMENT_SECRET,
        ipn_url="http://127.0.0.1:9/unused",
        deliver_ipn=False,
    )
    with RunningSimulator(simulator, free_port()) as running:
        settings.LIENTHONG_PAYMENT_GATEWAY_URL = running.url
        yield simulator


@pytest.fixture
def held_gateway(gateway: GatewaySimulator, live_server: Any, settings: Any) -> GatewaySimulator:
    """The simulator holding its notifications back, the platform served over HTTP."""
    settings.LIENTHONG_SITE_URL = live_server.url
    gateway.ipn_url = live_server.url + reverse("payments:gateway-ipn")
    return gateway


@pytest.fixture
def live_gateway(settings: Any, live_server: Any) -> Iterator[GatewaySimulator]:
    """The simulator delivering its notifications to the platform served over HTTP."""
    simulator = GatewaySimulator(
        merchant_code=django_settings.LIENTHONG_PAYMENT_MERCHANT_CODE,
        secret=django_settings.LIENTHONG_PAYMENT_SECRET,
        ipn_url=live_server.url + reverse("payments:gateway-ipn"),
    )
    with RunningSimulator(simulator, free_port()) as running:
        settings.LIENTHONG_PAYMENT_GATEWAY_URL = running.url
        settings.LIENTHONG_SITE_URL = live_server.url
        yield simulator


@pytest.fixture
def paid_signals() -> Iterator[list[Any]]:
    """Every `payment_succeeded` sent (from any thread), in order."""
    received: list[Any] = []

    def receiver(sender: Any, payment: Any, **kwargs: Any) -> None:
        received.append(payment.pk)

    payment_succeeded.connect(receiver, dispatch_uid="tests-paid-signals")
    yield received
    payment_succeeded.disconnect(dispatch_uid="tests-paid-signals")


@pytest.fixture
def pay(browser: Browser) -> Callable[..., Reply]:
    """The payer on the gateway: open the pay page, press a button; the gateway's redirect."""

    def press(redirect_url: str, action: str = "pay") -> Reply:
        page = browser.get(redirect_url)
        assert page.status == 200, page.text
        return browser.post(
            redirect_url.split("?")[0].replace("vpcpay.html", "confirm"),
            {"q": urlsplit(redirect_url).query, "action": action, "bank": "NCB"},
        )

    return press
