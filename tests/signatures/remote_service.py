"""A stand-in remote signing service for the tests: it holds the key (as a CA's cloud
signing does) and accepts one OTP; the platform only ever sees a pyHanko Signer."""

from __future__ import annotations

from asn1crypto import x509
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from lienthong.signatures.keys import KeyProblem, chain_of

HELD_KEYS: dict[str, bytes] = {}  # key id -> private key PEM, filled by the test
OTP = "123456"


def factory(credential, secret: str) -> signers.Signer:
    if secret != OTP:
        raise KeyProblem("wrong OTP", "wrong_passphrase")
    key = load_private_key_from_pemder_data(HELD_KEYS[credential.remote_key_id], passphrase=None)
    return signers.SimpleSigner(
        signing_cert=x509.Certificate.load(bytes(credential.certificate)),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(chain_of(credential)),
    )
