"""What a signature costs beyond pyHanko's own work (issue #24): the timestamp authority is
asked once per signature, and the dry run by which pyHanko sizes a signature does not sign."""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lienthong.signatures import engine, keys, services
from tests.conftest import free_port

from . import pki as pki_module
from .conftest import PASS
from .test_signing import independent


class _CountingProxy(ThreadingHTTPServer):
    """Forwards each POST to the test PKI's TSA and counts them."""

    def __init__(self, port: int, target: str) -> None:
        super().__init__(("127.0.0.1", port), _Forward)
        self.target = target
        self.posts = 0


class _Forward(BaseHTTPRequestHandler):
    server: _CountingProxy

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts += 1
        request = urllib.request.Request(  # noqa: S310 - the test PKI's own http URL
            self.server.target,
            data=body,
            headers={"Content-Type": self.headers["Content-Type"]},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            reply = answer.read()
            content_type = answer.headers["Content-Type"]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def counting_tsa(settings, pki) -> Iterator[_CountingProxy]:
    proxy = _CountingProxy(free_port(), pki.tsa_url)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    settings.LIENTHONG_TSA_URL = f"http://127.0.0.1:{proxy.server_port}/tsa"
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_the_timestamp_authority_is_asked_once_per_signature(pki, org, creds, counting_tsa):
    signed = [
        services.sign_personal(actor=org.director, data=pki_module.decision_pdf(), secret=PASS)
        for _ in range(3)
    ]
    # The first signature also fetched the sample timestamp that sizes every later one.
    assert counting_tsa.posts == 4
    for data in signed:
        (status,) = independent(data, pki)
        assert status.bottom_line and status.timestamp_validity is not None


def test_the_dry_run_that_sizes_a_signature_does_not_sign(pki, org, creds):
    with keys.open_signer(creds.director, PASS) as signer:
        assert isinstance(signer, keys.StoredKeySigner)
        dry = asyncio.run(signer.async_sign_raw(b"ab", "sha256", dry_run=True))
        real = asyncio.run(signer.async_sign_raw(b"ab", "sha256"))
    assert dry == bytes(len(dry))  # reserved room, not a signature
    assert len(real) <= len(dry) and real != bytes(len(real))


def test_a_timestamp_client_is_kept_per_authority_and_renewed(monkeypatch):
    first = engine.timestamp_client("http://tsa.example/a", 10)
    assert engine.timestamp_client("http://tsa.example/a", 10) is first
    assert engine.timestamp_client("http://tsa.example/b", 10) is not first
    monkeypatch.setattr(engine, "TIMESTAMP_CLIENT_REUSE_SECONDS", -1)
    assert engine.timestamp_client("http://tsa.example/a", 10) is not first
