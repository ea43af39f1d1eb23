"""The demo timestamp authority: a small HTTP server answering RFC 3161 time-stamp requests
(POST, `application/timestamp-query`) with tokens signed by the demo TSA certificate, issued by
the demo root (`demo.py`) with the timeStamping extended key usage. pyHanko's
`DummyTimeStamper` builds the tokens; this module only carries them over HTTP.

For the demo and the tests only (`lienthong tsa_simulator`, started by `lienthong serve` when
LIENTHONG_DEMO_TSA_PORT is set): its tokens have no legal value. A real deployment points
LIENTHONG_TSA_URL at a licensed TSA (docs/trust-roots.md)."""

from __future__ import annotations

import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import tsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import demo

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REQUEST_BYTES = 16 * 1024


class TsaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], stamper: DummyTimeStamper) -> None:
        self.stamper = stamper
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: TsaServer
    server_version = "lienthong-demo-tsa"

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, status: int, text: str) -> None:
        self._reply(status, text.encode() + b"\n", "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        self._refuse(
            HTTPStatus.OK,
            f"{demo.TSA_COMMON_NAME}: RFC 3161, POST {QUERY_TYPE} to this address.",
        )

    def do_POST(self) -> None:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != QUERY_TYPE:
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"Send {QUERY_TYPE}.")
            return
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 < length <= MAX_REQUEST_BYTES:
            self._refuse(HTTPStatus.BAD_REQUEST, "Missing or oversized request body.")
            return
        try:
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            request.native  # noqa: B018 - parse it fully now
            response = self.server.stamper.request_tsa_response(request)
        except Exception:  # a malformed request, whatever in it is wrong
            self._refuse(HTTPStatus.BAD_REQUEST, "Not an RFC 3161 time-stamp request.")
            return
        self._reply(HTTPStatus.OK, response.dump(), REPLY_TYPE)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"[demo TSA] {self.address_string()} {format % args}\n")


def make_server(host: str, port: int) -> TsaServer:
    """A server for the demo TSA of LIENTHONG_DEMO_PKI_DIR (raises DemoPkiUnavailable when
    `load_demo` has not made it)."""
    tsa = demo.timestamp_authority()
    root = demo.root_ca()
    stamper = DummyTimeStamper(
        tsa_cert=tsa.asn1,
        tsa_key=tsa.asn1_key,
        certs_to_embed=SimpleCertificateStore.from_certs([root.asn1]),
    )
    return TsaServer((host, port), stamper)
