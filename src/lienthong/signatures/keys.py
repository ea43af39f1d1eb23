"""Where the private keys are and how to reach them at signing time: a PKCS#12 file stored
sealed with the key-encryption key (`lienthong.core.sealing`) and opened with the passphrase the
official types in; a token through PKCS#11 opened with its PIN; or a remote signing service
plugged in by setting. Neither passphrase nor PIN is ever stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from asn1crypto import pem, x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.utils.module_loading import import_string
from pyhanko.sign import signers

from lienthong.core import sealing

from .constants import KeySource

if TYPE_CHECKING:
    from .models import SigningCredential


class KeyProblem(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class RemoteSigningService(Protocol):
    """A remote signing service (e.g. a CA's cloud signing): given the credential and what the
    official typed (an OTP, a PIN), return a pyHanko Signer. Register implementations by name
    in LIENTHONG_REMOTE_SIGNING_SERVICES = {"name": "dotted.path.to.factory"}."""

    def __call__(self, credential: SigningCredential, secret: str) -> signers.Signer: ...


def seal(data: bytes) -> bytes:
    return sealing.seal(data)


def unseal(data: bytes) -> bytes:
    """The stored PKCS#12 file; refused clearly when this installation's key-encryption key
    cannot open it (a restore without the right key, a key dropped before re-sealing)."""
    try:
        return sealing.unseal(data)
    except sealing.SealBroken as exc:
        raise KeyProblem("sealed with another key-encryption key", "key_sealed") from exc


# --- Reading certificates -------------------------------------------------------------------------


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM (one or many) or DER."""
    try:
        if pem.detect(data):
            return [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True)]
        cert = x509.Certificate.load(data)
        cert.native  # noqa: B018 - parse it fully now
        return [cert]
    except Exception as exc:
        raise KeyProblem("bad certificate", "bad_certificate") from exc


def can_sign(cert: x509.Certificate) -> bool:
    """Key usage allows document signatures (digitalSignature or nonRepudiation); a
    certificate without the extension is not restricted."""
    usage = cert.key_usage_value
    if usage is None:
        return True
    return bool({"digital_signature", "non_repudiation"} & set(usage.native))


@dataclass(frozen=True)
class Pkcs12Contents:
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def read_pkcs12(data: bytes, passphrase: str) -> Pkcs12Contents:
    """Open a PKCS#12 file to check it (wrong passphrase, no key) and read its certificates."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except ValueError as exc:
        raise KeyProblem("wrong passphrase", "wrong_passphrase") from exc
    if key is None or cert is None:
        raise KeyProblem("no key", "no_key")
    return Pkcs12Contents(
        certificate=x509.Certificate.load(cert.public_bytes(Encoding.DER)),
        chain=[x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra],
    )


def chain_of(credential: SigningCredential) -> list[x509.Certificate]:
    data = bytes(credential.chain)
    return load_certificates(data) if data else []


# --- Opening a signer -----------------------------------------------------------------------------

# What a dry run answers instead of a signature: pyHanko's PKCS#11 signer reserves the same.
DRY_RUN_SIGNATURE_BYTES = 512


class StoredKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, except for the dry run by which pyHanko sizes the signature
    before making it: that one does not sign (as pyHanko's PKCS#11 signer), since every signing
    loads and checks the private key again (27 ms for an RSA key)."""

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            size = self.signing_cert.public_key.byte_size if self.signing_cert else 0
            return bytes(max(DRY_RUN_SIGNATURE_BYTES, size))
        return await super().async_sign_raw(data, digest_algorithm)


@contextmanager
def open_signer(credential: SigningCredential, secret: str) -> Iterator[signers.Signer]:
    """The credential's signer, opened with the passphrase or PIN; closed afterwards."""
    chain = chain_of(credential)
    source = KeySource(credential.source)
    if source == KeySource.PKCS12:
        pkcs12 = unseal(bytes(credential.sealed_pkcs12))
        try:
            loaded = signers.SimpleSigner.load_pkcs12_data(
                pkcs12,
                other_certs=chain,
                passphrase=secret.encode() or None,
            )
        except ValueError as exc:
            raise KeyProblem("wrong passphrase", "wrong_passphrase") from exc
        yield StoredKeySigner(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
    elif source == KeySource.PKCS11:
        # Lazy: a hardware token's libraries load only where one signs with it.
        import pkcs11  # noqa: PLC0415
        from pyhanko.config.pkcs11 import TokenCriteria  # noqa: PLC0415
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session  # noqa: PLC0415

        try:
            session = open_pkcs11_session(
                credential.pkcs11_module,
                token_criteria=TokenCriteria(label=credential.pkcs11_token),
                user_pin=secret,
            )
        except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinLenRange) as exc:
            raise KeyProblem("wrong PIN", "wrong_passphrase") from exc
        except Exception as exc:
            raise KeyProblem(f"token: {type(exc).__name__}", "token_unavailable") from exc
        try:
            yield PKCS11Signer(
                session,
                key_label=credential.pkcs11_key,
                signing_cert=x509.Certificate.load(bytes(credential.certificate)),
                ca_chain=chain,
            )
        finally:
            session.close()
    else:
        factories: dict[str, str] = settings.LIENTHONG_REMOTE_SIGNING_SERVICES
        path = factories.get(credential.remote_provider)
        if path is None:
            raise KeyProblem("unknown remote service", "token_unavailable")
        service: RemoteSigningService = import_string(path)
        yield service(credential, secret)
