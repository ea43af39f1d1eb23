"""A throwaway test PKI for edXML signatures: a root and an agency certificate it issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class TestPki:
    root_pem: bytes
    cert_pem: bytes
    key_pem: bytes


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@cache
def make_pki(cn: str = "Ủy ban nhân dân tỉnh Cà Mau (thử nghiệm)") -> TestPki:
    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test root"))
        .issuer_name(_name("Test root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(root_key, hashes.SHA256())
    )
    return TestPki(
        root_pem=root.public_bytes(serialization.Encoding.PEM),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def pkcs12_file(path, pki: TestPki, passphrase: str = "test-only") -> str:  # noqa: S107
    """The PKI's agency key and certificate as a PKCS#12 file (what the settings name)."""
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    key = serialization.load_pem_private_key(pki.key_pem, None)
    cert = x509.load_pem_x509_certificate(pki.cert_pem)
    root = x509.load_pem_x509_certificate(pki.root_pem)
    data = pkcs12.serialize_key_and_certificates(
        b"axis", key, cert, [root], BestAvailableEncryption(passphrase.encode())
    )
    path.write_bytes(data)
    return str(path)
