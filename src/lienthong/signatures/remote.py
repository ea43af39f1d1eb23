"""Remote signing the way Vietnamese officials sign with VNPT SmartCA or Viettel MySign, in the
shape of the Cloud Signature Consortium API v2 these services resemble: the key never leaves
the provider; the platform sends only the hash to be signed (`signatures/signHash`), the
signer confirms on the phone, and the platform gets the signature value back by callback or
by asking for the transaction's status.

Three parts:
- `RemoteSigningClient`, the interface to a provider, and `CscHttpClient`, its HTTP
  implementation (`client_for(provider)` builds it from LIENTHONG_REMOTE_SIGNING_PROVIDERS);
- `prepare` and `finish`, pyHanko's interrupted signing: the PDF is prepared with a reserved
  signature placeholder and kept, the hash of the CMS signed attributes is what leaves, and the
  returned signature value is embedded into exactly the kept bytes;
- `webhook_signature` and `verify_webhook`: the HMAC-SHA256 that authenticates a provider's
  callback.

No HTTP call here runs in a request the user waits on longer than the provider's timeout."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509 import load_der_x509_certificate
from django.conf import settings
from django.utils.module_loading import import_string
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .engine import Placement, writer_with_fields

SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_OID = "1.2.840.113549.1.1.1"
EC_OID = "1.2.840.10045.2.1"
# Room for the provider's signature value and a timestamp token in the reserved placeholder.
RESERVED_BYTES = 32 * 1024


class RemoteSigningError(Exception):
    """The provider refused, could not be reached or answered nonsense. `code` says which."""

    def __init__(self, message: str, code: str = "provider_error") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RemoteCredentialInfo:
    """What `credentials/info` says: the certificate (first) and its CA chain."""

    credential_id: str
    certificates: list[x509.Certificate]
    key_algorithms: list[str]

    @property
    def certificate(self) -> x509.Certificate:
        return self.certificates[0]


@dataclass(frozen=True)
class TransactionStatus:
    """`pending` (awaiting the signer), `signed` (with the signature value), `refused` or
    `expired`."""

    state: str
    signature: bytes = b""


class RemoteSigningClient(Protocol):
    """A remote signing provider seen from the platform (CSC API v2 shaped)."""

    def list_credentials(self, *, user_id: str) -> list[str]: ...

    def credential_info(self, *, user_id: str, credential_id: str) -> RemoteCredentialInfo: ...

    def sign_hash(
        self,
        *,
        user_id: str,
        credential_id: str,
        digest: bytes,
        hash_algorithm: str,
        sign_algorithm: str,
        description: str,
        callback_url: str,
    ) -> str:
        """Ask the signer to confirm signing `digest`; returns the provider's transaction id."""
        ...

    def transaction_status(self, *, transaction_id: str) -> TransactionStatus: ...


class CscHttpClient:
    """JSON over HTTP(S), authenticated with the platform's client id and secret (HTTP Basic),
    as SmartCA and MySign issue them to an integrating system."""

    def __init__(
        self, *, url: str, client_id: str, client_secret: str, timeout: float = 10.0
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise RemoteSigningError("the provider's URL must be http(s)", "unknown_provider")
        self.url = url.rstrip("/")
        self.timeout = timeout
        token = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._auth = f"Basic {token}"

    def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be HTTP(S)
            f"{self.url}/csc/v2/{path}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": self._auth},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read() or b"{}")
            except ValueError:
                error = {}
            raise RemoteSigningError(
                str(error.get("error_description") or exc.reason),
                str(error.get("error") or "provider_error"),
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RemoteSigningError(str(exc), "provider_unreachable") from exc
        try:
            answer = json.loads(body)
        except ValueError as exc:
            raise RemoteSigningError("not JSON", "provider_error") from exc
        if not isinstance(answer, dict):
            raise RemoteSigningError("not a JSON object", "provider_error")
        return answer

    def list_credentials(self, *, user_id: str) -> list[str]:
        answer = self._call("credentials/list", {"userID": user_id})
        return [str(c) for c in answer.get("credentialIDs", [])]

    def credential_info(self, *, user_id: str, credential_id: str) -> RemoteCredentialInfo:
        answer = self._call(
            "credentials/info",
            {"userID": user_id, "credentialID": credential_id, "certificates": "chain"},
        )
        try:
            certs = [
                x509.Certificate.load(base64.b64decode(c)) for c in answer["cert"]["certificates"]
            ]
            for cert in certs:
                cert.native  # noqa: B018 - parse fully now
            algorithms = [str(a) for a in answer.get("key", {}).get("algo", [])]
        except Exception as exc:
            raise RemoteSigningError(
                "bad certificate in credentials/info", "provider_error"
            ) from exc
        if not certs:
            raise RemoteSigningError("no certificate in credentials/info", "provider_error")
        return RemoteCredentialInfo(credential_id, certs, algorithms)

    def sign_hash(
        self,
        *,
        user_id: str,
        credential_id: str,
        digest: bytes,
        hash_algorithm: str,
        sign_algorithm: str,
        description: str,
        callback_url: str,
    ) -> str:
        answer = self._call(
            "signatures/signHash",
            {
                "userID": user_id,
                "credentialID": credential_id,
                "hashes": [base64.b64encode(digest).decode()],
                "hashAlgorithmOID": hash_algorithm,
                "signAlgo": sign_algorithm,
                "description": description,
                "callbackURL": callback_url,
            },
        )
        transaction_id = str(answer.get("transactionID") or "")
        if not transaction_id:
            raise RemoteSigningError("no transaction id", "provider_error")
        return transaction_id

    def transaction_status(self, *, transaction_id: str) -> TransactionStatus:
        answer = self._call("signatures/status", {"transactionID": transaction_id})
        state = str(answer.get("status", ""))
        if state not in {"pending", "signed", "refused", "expired"}:
            raise RemoteSigningError(f"unknown status {state!r}", "provider_error")
        signature = b""
        if state == "signed":
            try:
                signature = base64.b64decode(answer["signatures"][0], validate=True)
            except Exception as exc:
                raise RemoteSigningError("bad signature value", "provider_error") from exc
        return TransactionStatus(state, signature)


def provider_settings(provider: str) -> dict[str, Any]:
    config = settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS.get(provider)
    if config is None:
        raise RemoteSigningError(f"unknown provider {provider!r}", "unknown_provider")
    return dict(config)


def is_hash_signing_provider(provider: str) -> bool:
    return provider in settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS


def client_for(provider: str) -> RemoteSigningClient:
    """The client of a configured provider: {"url", "client_id", "client_secret",
    "webhook_secret"} and optionally "client", the dotted path of another implementation."""
    config = provider_settings(provider)
    factory: Callable[..., RemoteSigningClient] = (
        import_string(config["client"]) if config.get("client") else CscHttpClient
    )
    return factory(
        url=config["url"],
        client_id=config.get("client_id", ""),
        client_secret=config.get("client_secret", ""),
        timeout=float(config.get("timeout", 10)),
    )


# --- Callback authentication ---------------------------------------------------------------------

WEBHOOK_HEADER = "X-Signature"


def webhook_signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, what the provider puts in X-Signature."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_webhook(provider: str, body: bytes, header: str) -> bool:
    try:
        secret = str(provider_settings(provider).get("webhook_secret") or "")
    except RemoteSigningError:
        return False
    if not secret or not header:
        return False
    return hmac.compare_digest(webhook_signature(secret, body), header.strip())


# --- Interrupted signing (pyHanko) ---------------------------------------------------------------


def _run(work: Callable[[], Any]) -> Any:
    """Run pyHanko's coroutines even when called from a thread with a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work())

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


def _signer(
    cert: x509.Certificate, chain: list[x509.Certificate], value: bytes | int
) -> signers.ExternalSigner:
    return signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(chain),
        signature_value=value,
    )


def sign_algorithm_of(cert: x509.Certificate) -> str:
    algorithm = cert.public_key.algorithm
    if algorithm == "rsa":
        return RSA_OID
    if algorithm == "ec":
        return EC_OID
    raise RemoteSigningError(f"unsupported key {algorithm}", "unsupported_key")


@dataclass(frozen=True)
class Prepared:
    """A PDF waiting for its signature value: keep all of it until `finish`."""

    pdf: bytes  # the prepared file, with the reserved (zero-filled) /Contents placeholder
    document_digest: bytes  # SHA-256 over the /ByteRange
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes  # DER of the CMS signed attributes
    to_be_signed: bytes  # SHA-256 of `signed_attributes`: the only thing sent away


def prepare(
    data: bytes,
    *,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    placement: Placement,
    reason: str,
    location: str,
) -> Prepared:
    """Add the signature field and its appearance, reserve the placeholder, and compute the
    hash the provider signs (of the CMS signed attributes, which hold the document digest)."""
    writer = writer_with_fields(data, placement)
    meta = signers.PdfSignatureMetadata(
        field_name=placement.field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    signer = _signer(cert, chain, 512)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=placement.style)

    async def work() -> tuple[PreparedByteRangeDigest, Any, IO[bytes]]:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=RESERVED_BYTES
        )
        attrs = await signer.signed_attrs(digest.document_digest, "sha256", use_pades=True)
        return digest, attrs, output

    digest, attrs, output = _run(work)
    der = attrs.dump()
    return Prepared(
        pdf=output.getvalue(),
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attributes=der,
        to_be_signed=hashlib.sha256(der).digest(),
    )


def check_signature_value(cert: x509.Certificate, signed_attributes: bytes, value: bytes) -> bool:
    """Does `value` sign these signed attributes with the certificate's key? A provider's answer
    is checked before it goes into a document."""
    key = load_der_x509_certificate(cert.dump()).public_key()
    digest = hashlib.sha256(signed_attributes).digest()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(value, digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def finish(
    prepared: Prepared,
    *,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    signature_value: bytes,
    timestamper: TimeStamper | None,
) -> bytes:
    """Embed the signature value (and a signature timestamp when a TSA is configured) into the
    kept bytes; returns the signed PDF."""
    attrs = cms.CMSAttributes.load(prepared.signed_attributes)
    signer = _signer(cert, chain, signature_value)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )
    output = io.BytesIO(prepared.pdf)

    async def work() -> None:
        container = await signer.async_sign_prescribed_attributes(
            "sha256", signed_attrs=attrs, timestamper=timestamper
        )
        await PdfTBSDocument.async_finish_signing(
            output, prepared_digest=digest, signature_cms=container
        )

    _run(work)
    return output.getvalue()
