"""The client's address behind the front: believed from `X-Forwarded-For` only on gunicorn's unix
socket, which only the front reaches (core.middleware.TrustedFrontMiddleware); the front's
configuration (core/front.py) caps bodies per route."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from lienthong.core import front
from lienthong.core.middleware import TrustedFrontMiddleware, client_ip


def _seen_address(connection: socket.socket | None, forwarded: str) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    if connection is not None:
        request.META["gunicorn.socket"] = connection
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(client_ip(request))
        return HttpResponse()

    TrustedFrontMiddleware(view)(request)
    return seen[0]


@pytest.fixture
def unix() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        yield connection


@pytest.fixture
def tcp() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as connection:
        yield connection


def test_the_front_names_the_client_on_the_unix_socket(unix: socket.socket) -> None:
    assert _seen_address(unix, "203.0.113.9") == "203.0.113.9"
    assert _seen_address(unix, "2001:db8::1") == "2001:db8::1"


def test_a_forwarded_address_over_tcp_is_not_believed(tcp: socket.socket) -> None:
    assert _seen_address(tcp, "203.0.113.9") == "127.0.0.1"
    assert _seen_address(None, "203.0.113.9") == "127.0.0.1"  # not gunicorn (runserver, tests)


def test_a_malformed_forwarded_address_names_no_client(unix: socket.socket) -> None:
    assert _seen_address(unix, "203.0.113.9, 10.0.0.1") is None
    assert _seen_address(unix, "") is None


def test_every_route_the_front_caps_exists_and_matches_its_path() -> None:
    text = front.Front(Path("/nonexistent")).render(host="127.0.0.1", port=8000)
    ipn = reverse("payments:gateway-ipn")
    assert f"location = {ipn} {{\n            client_max_body_size 8k;" in text
    attachment = front.route_regex("documents:add-attachment")
    assert re.match(attachment, reverse("documents:add-attachment", args=[12]))
    assert not re.match(attachment, reverse("documents:add-attachment", args=[12]) + "x/")
    action = front.route_regex("citizen:action")
    assert re.match(action, reverse("citizen:action", args=[3, "bo-sung"]))
