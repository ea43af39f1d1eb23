"""A stand-in for a remote signing provider (VNPT SmartCA, Viettel MySign), for the demo and
the tests: a real HTTP service speaking the CSC API v2 shape `signatures.remote` talks to, which
holds the officials' keys and signs a hash only after the signer confirms — on a small web page
standing in for the provider's phone app (/xac-nhan/).

It checks what the real ones check: the platform's client id and secret; that the credential
exists and belongs to the user; the hash algorithm (SHA-256), the hash's length and the signing
algorithm of the key; the transaction's state (a transaction is confirmed or refused once, and
expires after `timeout_seconds`). When the signer decides, it calls the platform's callback URL
with the transaction id, authenticated with HMAC-SHA256 of the body under the webhook secret.

Configuration (JSON): {"client_id", "client_secret", "webhook_secret", "timeout_seconds",
"users": [{"user_id", "credential_id", "key_pem", "certificates_pem"}]} — `certificates_pem`
is the signer's certificate first, then its CA chain.

Django-free on purpose: it is another organisation's service. Run it with
`lienthong remote_signing_simulator --config FILE --port N`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_OID = "1.2.840.113549.1.1.1"
EC_OID = "1.2.840.10045.2.1"


@dataclass
class Credential:
    user_id: str
    credential_id: str
    key: Any
    certificates: list[x509.Certificate]

    @property
    def algorithm(self) -> str:
        return RSA_OID if isinstance(self.key, rsa.RSAPrivateKey) else EC_OID


@dataclass
class Transaction:
    transaction_id: str
    credential: Credential
    digest: bytes
    description: str
    callback_url: str
    created: float
    state: str = "pending"  # pending, signed, refused (expired is computed)
    signature: bytes = b""
    callback_result: str = ""


@dataclass
class Provider:
    client_id: str
    client_secret: str
    webhook_secret: str
    timeout_seconds: float
    credentials: dict[str, Credential]
    transactions: dict[str, Transaction] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Provider:
        credentials = {}
        for entry in config.get("users", []):
            key = serialization.load_pem_private_key(entry["key_pem"].encode(), password=None)
            certs = x509.load_pem_x509_certificates(entry["certificates_pem"].encode())
            credentials[entry["credential_id"]] = Credential(
                entry["user_id"], entry["credential_id"], key, certs
            )
        return cls(
            client_id=config["client_id"],
            client_secret=config["client_secret"],
            webhook_secret=config["webhook_secret"],
            timeout_seconds=float(config.get("timeout_seconds", 300)),
            credentials=credentials,
        )

    def state_of(self, txn: Transaction) -> str:
        if txn.state == "pending" and time.time() - txn.created > self.timeout_seconds:
            return "expired"
        return txn.state

    def sign(self, txn: Transaction) -> bytes:
        key = txn.credential.key
        if isinstance(key, rsa.RSAPrivateKey):
            return bytes(key.sign(txn.digest, padding.PKCS1v15(), Prehashed(hashes.SHA256())))
        return bytes(key.sign(txn.digest, ec.ECDSA(Prehashed(hashes.SHA256()))))


class ApiError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Handler(BaseHTTPRequestHandler):
    server: SimulatorServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    @property
    def provider(self) -> Provider:
        return self.server.provider

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    # --- API -----------------------------------------------------------------------------

    def do_POST(self) -> None:
        body = self._body()
        path = urllib.parse.urlparse(self.path).path
        if path.startswith("/xac-nhan/"):
            self._decide(path.removeprefix("/xac-nhan/").strip("/"), body)
            return
        with self.provider.lock:
            self.provider.received.append(
                {
                    "path": path,
                    "bytes": len(body),
                    "sha256": hashlib.sha256(body).hexdigest(),
                    "body": body.decode("utf-8", "replace"),
                }
            )
        try:
            self._authenticate()
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                raise ApiError(400, "invalid_request", "body is not JSON") from None
            if not isinstance(payload, dict):
                raise ApiError(400, "invalid_request", "body is not a JSON object")
            routes = {
                "/csc/v2/credentials/list": self._list,
                "/csc/v2/credentials/info": self._info,
                "/csc/v2/signatures/signHash": self._sign_hash,
                "/csc/v2/signatures/status": self._status,
            }
            if path not in routes:
                raise ApiError(404, "invalid_request", "no such method")
            self._json(200, routes[path](payload))
        except ApiError as exc:
            self._json(exc.status, {"error": exc.error, "error_description": exc.description})

    def _authenticate(self) -> None:
        expected = _b64(f"{self.provider.client_id}:{self.provider.client_secret}".encode())
        given = self.headers.get("Authorization", "")
        if not hmac.compare_digest(given, f"Basic {expected}"):
            raise ApiError(401, "invalid_client", "bad client credentials")

    def _credential(self, payload: dict[str, Any]) -> Credential:
        credential = self.provider.credentials.get(str(payload.get("credentialID", "")))
        if credential is None:
            raise ApiError(400, "invalid_request", "invalid credentialID")
        if credential.user_id != str(payload.get("userID", "")):
            raise ApiError(403, "access_denied", "the credential is not the user's")
        return credential

    def _list(self, payload: dict[str, Any]) -> dict[str, Any]:
        user_id = str(payload.get("userID", ""))
        ids = [c.credential_id for c in self.provider.credentials.values() if c.user_id == user_id]
        return {"credentialIDs": ids}

    def _info(self, payload: dict[str, Any]) -> dict[str, Any]:
        credential = self._credential(payload)
        first = credential.certificates[0]
        return {
            "key": {"status": "enabled", "algo": [credential.algorithm], "len": 2048},
            "cert": {
                "status": "valid",
                "certificates": [
                    _b64(c.public_bytes(serialization.Encoding.DER))
                    for c in credential.certificates
                ],
                "subjectDN": first.subject.rfc4514_string(),
                "serialNumber": format(first.serial_number, "X"),
            },
            "authMode": "oauth2code",
            "SCAL": "2",
        }

    def _sign_hash(self, payload: dict[str, Any]) -> dict[str, Any]:
        credential = self._credential(payload)
        if payload.get("hashAlgorithmOID") != SHA256_OID:
            raise ApiError(400, "invalid_request", "unsupported hashAlgorithmOID")
        if payload.get("signAlgo") != credential.algorithm:
            raise ApiError(400, "invalid_request", "signAlgo does not match the key")
        hashes_given = payload.get("hashes")
        if not isinstance(hashes_given, list) or len(hashes_given) != 1:
            raise ApiError(400, "invalid_request", "give exactly one hash")
        try:
            digest = base64.b64decode(str(hashes_given[0]), validate=True)
        except ValueError:
            raise ApiError(400, "invalid_request", "hash is not base64") from None
        if len(digest) != 32:
            raise ApiError(400, "invalid_request", "a SHA-256 hash is 32 bytes")
        txn = Transaction(
            transaction_id=uuid.uuid4().hex,
            credential=credential,
            digest=digest,
            description=str(payload.get("description", ""))[:500],
            callback_url=str(payload.get("callbackURL", "")),
            created=time.time(),
        )
        with self.provider.lock:
            self.provider.transactions[txn.transaction_id] = txn
        return {"transactionID": txn.transaction_id, "expiresIn": self.provider.timeout_seconds}

    def _status(self, payload: dict[str, Any]) -> dict[str, Any]:
        txn = self.provider.transactions.get(str(payload.get("transactionID", "")))
        if txn is None:
            raise ApiError(400, "invalid_request", "invalid transactionID")
        state = self.provider.state_of(txn)
        answer: dict[str, Any] = {"transactionID": txn.transaction_id, "status": state}
        if state == "signed":
            answer["signatures"] = [_b64(txn.signature)]
        return answer

    # --- The phone: confirm or refuse ------------------------------------------------------

    def do_GET(self) -> None:
        path = urllib.parse.urlparse(self.path).path
        if path == "/_requests":
            with self.provider.lock:
                self._json(200, list(self.provider.received))
            return
        if path.rstrip("/") == "/xac-nhan":
            self._page_list()
            return
        if path.startswith("/xac-nhan/"):
            self._page(path.removeprefix("/xac-nhan/").strip("/"))
            return
        self._send(404, b"not found", "text/plain")

    def _html(self, status: int, title: str, content: str) -> None:
        page = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width"><title>{html.escape(title)}'
            '</title></head><body style="font-family:sans-serif;max-width:28rem;margin:2rem auto">'
            "<p><strong>Dịch vụ ký số từ xa — giả lập (thử nghiệm)</strong></p>"
            f"<h1>{html.escape(title)}</h1>{content}</body></html>"
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _page_list(self) -> None:
        with self.provider.lock:
            pending = [
                t
                for t in self.provider.transactions.values()
                if self.provider.state_of(t) == "pending"
            ]
        items = "".join(
            f'<li><a href="/xac-nhan/{t.transaction_id}">{html.escape(t.description)}</a> '
            f"({html.escape(t.credential.user_id)})</li>"
            for t in pending
        )
        self._html(
            200, "Yêu cầu chờ xác nhận", f"<ul>{items}</ul>" if items else "<p>Không có.</p>"
        )

    def _page(self, transaction_id: str) -> None:
        txn = self.provider.transactions.get(transaction_id)
        if txn is None:
            self._html(404, "Không tìm thấy yêu cầu", "")
            return
        state = self.provider.state_of(txn)
        labels = {
            "pending": "Chờ xác nhận",
            "signed": "Đã ký",
            "refused": "Đã từ chối",
            "expired": "Đã hết hạn",
        }
        details = (
            f"<p>{html.escape(txn.description)}</p>"
            f"<p>Người ký: {html.escape(txn.credential.user_id)}<br>"
            f"Mã băm (SHA-256): <code>{txn.digest.hex()}</code><br>"
            f'Trạng thái: <span data-testid="state">{labels[state]}</span></p>'
        )
        if state == "pending":
            details += (
                f'<form method="post" action="/xac-nhan/{txn.transaction_id}">'
                '<button name="action" value="confirm">Xác nhận ký</button> '
                '<button name="action" value="refuse">Từ chối</button></form>'
            )
        self._html(200, "Yêu cầu ký số", details)

    def _decide(self, transaction_id: str, body: bytes) -> None:
        txn = self.provider.transactions.get(transaction_id)
        if txn is None:
            self._html(404, "Không tìm thấy yêu cầu", "")
            return
        action = urllib.parse.parse_qs(body.decode()).get("action", [""])[0]
        with self.provider.lock:
            state = self.provider.state_of(txn)
            if state != "pending":
                self._html(409, "Yêu cầu đã được xử lý", f"<p>{html.escape(state)}</p>")
                return
            if action == "confirm":
                txn.signature = self.provider.sign(txn)
                txn.state = "signed"
            elif action == "refuse":
                txn.state = "refused"
            else:
                self._html(400, "Yêu cầu không hợp lệ", "")
                return
        if txn.callback_url:
            txn.callback_result = self.server.call_back(txn)
        message = "Đã ký." if txn.state == "signed" else "Đã từ chối."
        self._html(
            200, message, f'<p data-testid="callback">{html.escape(txn.callback_result)}</p>'
        )


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], provider: Provider) -> None:
        super().__init__(address, Handler)
        self.provider = provider

    def call_back(self, txn: Transaction) -> str:
        """Tell the platform the transaction moved; returns the HTTP status it answered."""
        body = json.dumps({"transactionID": txn.transaction_id, "status": txn.state}).encode()
        mac = hmac.new(self.provider.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        if not txn.callback_url.startswith(("http://", "https://")):
            return "error: the callback URL must be http(s)"
        request = urllib.request.Request(  # noqa: S310 - checked to be HTTP(S) above
            txn.callback_url,
            data=body,
            headers={"Content-Type": "application/json", "X-Signature": f"sha256={mac}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return str(response.status)
        except urllib.error.HTTPError as exc:
            return str(exc.code)
        except (urllib.error.URLError, OSError) as exc:
            return f"error: {exc}"


def serve(config: dict[str, Any], host: str, port: int) -> SimulatorServer:
    return SimulatorServer((host, port), Provider.from_config(config))


__all__ = ["HTTPStatus", "Provider", "SimulatorServer", "serve"]
