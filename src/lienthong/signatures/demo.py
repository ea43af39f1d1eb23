"""The demo PKI: a clearly labelled root CA with no legal value, a personal signing certificate
for every demo official who may sign (directors, chairmen, heads of unit...), a seal certificate
for every demo agency, and the certificate of the demo timestamp authority (RFC 3161,
`tsa_simulator.py`).

Everything is generated on this machine by `lienthong load_demo` when LIENTHONG_DEMO is on; never
committed. The root's and the TSA's private keys are kept in LIENTHONG_DEMO_PKI_DIR, sealed with
the key-encryption key like every stored key; the officials' and agencies' keys are PKCS#12 files
protected by DEMO_SIGNING_PIN and put on file through `services.register_credential`, the root is
trusted through `services.add_trusted_certificate`. Loading is idempotent: what exists is reused.

Remote signing (ký số từ xa), when LIENTHONG_DEMO_REMOTE_SIGNING_PORT is set and the provider
`smartca-demo` configured: one demo leader (REMOTE_SIGNER, a deputy director) holds no PKCS#12
but a key at the remote signing simulator (`remote_simulator.py`, a stand-in for VNPT SmartCA).
His key and certificate (issued by the demo root) go into the simulator's configuration
(REMOTE_CONFIG in the demo PKI folder, mode 0600: the provider's side, which `serve` starts);
his credential is put on file through `services.register_remote_credential`, which asks the
simulator, run in a thread for the while.

The demo root must never be trusted in production: `checks.py` refuses it unless LIENTHONG_DEMO
is on."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from lienthong.accounts.models import Agency, User
from lienthong.accounts.permissions import is_leader
from lienthong.core import sealing

from . import engine, remote_simulator, services
from .constants import CredentialKind, KeySource
from .models import SigningCredential, TrustedCertificate

# Printed on purpose by `load_demo`: demo certificates only, with no legal value.
DEMO_SIGNING_PIN = "123456"
# Words that mark every certificate of the demo PKI (the root's name; checks.py looks for them).
NO_LEGAL_VALUE = "không có giá trị pháp lý"
ROOT_COMMON_NAME = f"CA thử nghiệm — {NO_LEGAL_VALUE}"
TSA_COMMON_NAME = f"TSA thử nghiệm — {NO_LEGAL_VALUE}"
ORGANIZATION = "Liên thông — dữ liệu thử nghiệm"
PROVINCE_NAME = "Cà Mau"
ROOT_YEARS = 10
HOLDER_YEARS = 3
KEY_BITS = 2048
# Remote signing in the demo: the provider's name in LIENTHONG_REMOTE_SIGNING_PROVIDERS, the
# leader who signs remotely, who he is at the provider, and the simulator's configuration file.
REMOTE_PROVIDER = "smartca-demo"
REMOTE_SIGNER = "phogiamdoc.stttt"
REMOTE_USER_ID = "096085001234"  # his (demo) ID number, as SmartCA knows him
REMOTE_CREDENTIAL_ID = "smartca-demo-phogiamdoc-stttt"
REMOTE_CONFIG = "remote-signing.json"


class DemoPkiUnavailable(RuntimeError):
    """The demo PKI's folder holds no root or TSA (run `lienthong load_demo` first)."""


@dataclass
class DemoPkiResult:
    root_fingerprint: str
    root_created: bool = False
    root_trusted: bool = False
    tsa_created: bool = False
    personal_added: list[str] = field(default_factory=list)  # usernames
    seals_added: list[str] = field(default_factory=list)  # agency codes
    signers: list[str] = field(default_factory=list)  # usernames holding a demo credential
    remote_added: list[str] = field(default_factory=list)  # usernames given a remote credential
    remote_signers: list[str] = field(default_factory=list)  # usernames signing remotely

    @property
    def changed(self) -> bool:
        return bool(
            self.remote_added
            or self.root_created
            or self.root_trusted
            or self.tsa_created
            or self.personal_added
            or self.seals_added
        )


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


# --- Certificates ---------------------------------------------------------------------------------


def _fit(text: str) -> str:
    """At most 64 bytes in UTF-8 (the X.520 upper bound, as `cryptography` counts it)."""
    while len(text.encode()) > 64:
        text = text[:-1]
    return text.strip()


def _name(common_name: str, organization: str, **extra: str) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, PROVINCE_NAME),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organization)),
    ]
    if extra.get("unit"):
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _fit(extra["unit"])))
    if extra.get("title"):
        attributes.append(x509.NameAttribute(NameOID.TITLE, _fit(extra["title"])))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(attributes)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _issue(
    *,
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: Issued | None,
    years: int,
    ca: bool = False,
    time_stamping: bool = False,
) -> Issued:
    now = timezone.now().replace(microsecond=0)
    not_after = now + timedelta(days=365 * years)
    if issuer is not None:  # never outlive the root
        not_after = min(not_after, issuer.certificate.not_valid_after_utc)
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca and not time_stamping,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    certificate = builder.sign(signing_key, hashes.SHA256())
    return Issued(certificate, key)


def _pkcs12(holder: Issued, root: Issued, friendly_name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode()[:64],
        holder.key,
        holder.certificate,
        [root.certificate],
        serialization.BestAvailableEncryption(DEMO_SIGNING_PIN.encode()),
    )


# --- Images: the seal and the handwritten signature (demo drawings) -----------------------------

RED = (200, 16, 28, 255)
BLUE = (22, 50, 170, 255)


def _font(size: int) -> Any:
    try:
        return ImageFont.truetype(settings.LIENTHONG_SIGNATURE_FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seal_png(agency_name: str) -> bytes:
    """A round red seal on a transparent background: the agency's name around the rim, a star
    and “THỬ NGHIỆM” (demo) in the middle. A drawing for the demo, not a real seal."""
    size = 600
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    draw.ellipse((8, 8, size - 8, size - 8), outline=RED, width=16)
    draw.ellipse((150, 150, size - 150, size - 150), outline=RED, width=8)
    star = [
        (
            centre + (64 if k % 2 == 0 else 26) * math.cos(math.radians(-90 + k * 36)),
            centre - 30 + (64 if k % 2 == 0 else 26) * math.sin(math.radians(-90 + k * 36)),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=RED)
    draw.text((centre, centre + 70), "THỬ NGHIỆM", font=_font(34), fill=RED, anchor="mm")
    text = agency_name.upper()
    font = _font(44 if len(text) <= 30 else 34)
    radius = centre - 76
    step = min(12.0, 330 / max(len(text), 1))  # degrees per letter, centred at the top
    first = -90 - step * (len(text) - 1) / 2
    for index, char in enumerate(text):
        angle = first + index * step
        tile = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((40, 40), char, font=font, fill=RED, anchor="mm")
        tile = tile.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(math.radians(angle)) - 40
        y = centre + radius * math.sin(math.radians(angle)) - 40
        image.alpha_composite(tile, (round(x), round(y)))
    return _png(image)


def signature_png(full_name: str) -> bytes:
    """A handwritten-looking stroke (its shape from the name) on a transparent background."""
    seed = hashlib.sha256(full_name.encode()).digest()
    image = Image.new("RGBA", (480, 180), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(30 + i * 60, 40 + seed[i] % 110) for i in range(8)]
    draw.line(points, fill=BLUE, width=7, joint="curve")
    draw.line([(40, 150), (300 + seed[9] % 120, 135)], fill=BLUE, width=5)
    return _png(image)


# --- Files of the root and the TSA (sealed keys) -------------------------------------------------


def pki_dir() -> Path:
    return Path(settings.LIENTHONG_DEMO_PKI_DIR)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    temporary.replace(path)


def _save(name: str, issued: Issued) -> None:
    key = issued.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(pki_dir() / f"{name}.key.sealed", sealing.seal(key))
    _write(pki_dir() / f"{name}.pem", issued.pem)


def _load(name: str) -> Issued | None:
    cert_path, key_path = pki_dir() / f"{name}.pem", pki_dir() / f"{name}.key.sealed"
    if not (cert_path.exists() and key_path.exists()):
        return None
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_der_private_key(sealing.unseal(key_path.read_bytes()), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DemoPkiUnavailable(f"{key_path} does not hold an RSA key")
    return Issued(certificate, key)


def _usable_until(issued: Issued | None, days: int) -> bool:
    return (
        issued is not None
        and issued.certificate.not_valid_after_utc > timezone.now() + timedelta(days=days)
    )


def root_ca() -> Issued:
    root = _load("root")
    if root is None:
        raise DemoPkiUnavailable(f"no demo root CA in {pki_dir()}: run `lienthong load_demo`")
    return root


def timestamp_authority() -> Issued:
    """The demo TSA's certificate and key (for `tsa_simulator`)."""
    tsa = _load("tsa")
    if tsa is None:
        raise DemoPkiUnavailable(f"no demo TSA in {pki_dir()}: run `lienthong load_demo`")
    return tsa


def is_demo_certificate_subject(subject: str) -> bool:
    return NO_LEGAL_VALUE in subject


# --- Loading --------------------------------------------------------------------------------------


def _ensure_root(result: DemoPkiResult) -> Issued:
    root = _load("root")
    if not _usable_until(root, 365 * HOLDER_YEARS // 3):
        key = _new_key()
        root = _issue(
            subject=_name(ROOT_COMMON_NAME, ORGANIZATION),
            key=key,
            issuer=None,
            years=ROOT_YEARS,
            ca=True,
        )
        _save("root", root)
        result.root_created = True
    assert root is not None
    return root


def _signed_by(issued: Issued, root: Issued) -> bool:
    try:
        issued.certificate.verify_directly_issued_by(root.certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _ensure_tsa(root: Issued, result: DemoPkiResult) -> None:
    tsa = _load("tsa")
    if tsa is not None and _usable_until(tsa, 30) and _signed_by(tsa, root):
        return
    tsa = _issue(
        subject=_name(TSA_COMMON_NAME, ORGANIZATION),
        key=_new_key(),
        issuer=root,
        years=ROOT_YEARS,
        time_stamping=True,
    )
    _save("tsa", tsa)
    result.tsa_created = True


def _issued_by(credential: Any, root: Issued) -> bool:
    cert = asn1_x509.Certificate.load(bytes(credential.certificate))
    return cert.issuer.dump() == root.asn1.subject.dump() and cert.authority_key_identifier == (
        root.asn1.key_identifier
    )


def _signers(agencies: Iterable[Any]) -> list[Any]:
    users = (
        User.objects.filter(agency__in=list(agencies), is_active=True)
        .select_related("agency", "unit", "position")
        .order_by("pk")
    )
    return [user for user in users if is_leader(user)]


@transaction.atomic
def load_demo_pki(agencies: Iterable[Any] | None = None) -> DemoPkiResult:
    """Create (or complete) the demo PKI for the given agencies (default: every agency), their
    seal and their signers' personal certificates; trust the root. Idempotent: whoever already
    has a usable certificate keeps it."""
    agency_list = list(agencies if agencies is not None else Agency.objects.order_by("pk"))
    result = DemoPkiResult(root_fingerprint="")
    root = _ensure_root(result)
    _ensure_tsa(root, result)
    result.root_fingerprint = engine.certificate_fingerprint(root.asn1)
    if not TrustedCertificate.objects.filter(fingerprint=result.root_fingerprint).exists():
        services.add_trusted_certificate(actor=None, data=root.pem, name=ROOT_COMMON_NAME)
        result.root_trusted = True

    for agency in agency_list:
        if not services.has_agency_credential(agency):
            seal = _issue(
                subject=_name(agency.name, agency.name),
                key=_new_key(),
                issuer=root,
                years=HOLDER_YEARS,
            )
            services.register_credential(
                actor=None,
                kind=CredentialKind.AGENCY,
                agency=agency,
                source=KeySource.PKCS12,
                pkcs12=_pkcs12(seal, root, agency.name),
                passphrase=DEMO_SIGNING_PIN,
                image=seal_png(agency.name),
            )
            result.seals_added.append(agency.code)

    remote_on = remote_demo_on()
    for user in _signers(agency_list):
        if remote_on and user.username == REMOTE_SIGNER:
            _ensure_remote(user, root, result)
            continue
        if not services.has_personal_credential(user):
            personal = _issue(
                subject=_name(
                    user.full_name,
                    user.agency.name,
                    unit=user.unit.name if user.unit else "",
                    title=user.position.name if user.position else "",
                ),
                key=_new_key(),
                issuer=root,
                years=HOLDER_YEARS,
            )
            services.register_credential(
                actor=None,
                kind=CredentialKind.PERSONAL,
                agency=user.agency,
                user=user,
                source=KeySource.PKCS12,
                pkcs12=_pkcs12(personal, root, user.full_name),
                passphrase=DEMO_SIGNING_PIN,
                image=signature_png(user.full_name),
            )
            result.personal_added.append(user.username)
        credential = SigningCredential.objects.personal_of(user).usable().first()
        if credential is not None and _issued_by(credential, root):
            result.signers.append(user.username)
    return result


# --- Remote signing: the simulator's configuration and the remote credential --------------------


def remote_demo_on() -> bool:
    """The demo signs remotely too: the simulator has a port and the demo provider is set."""
    return bool(
        settings.LIENTHONG_DEMO
        and settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT
        and REMOTE_PROVIDER in settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS
    )


def remote_config_path() -> Path:
    return pki_dir() / REMOTE_CONFIG


def remote_phone_url() -> str:
    """The simulator's page where the remote signer confirms (his “phone”)."""
    url = str(settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS[REMOTE_PROVIDER]["url"])
    return url.rstrip("/") + "/xac-nhan/"


def _remote_key(root: Issued) -> Issued | None:
    """The remote signer's key and certificate kept in the simulator's configuration, if they
    are still usable and issued by this root."""
    path = remote_config_path()
    if not path.exists():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        (entry,) = [
            u for u in config.get("users", []) if u.get("credential_id") == REMOTE_CREDENTIAL_ID
        ]
        key = serialization.load_pem_private_key(entry["key_pem"].encode(), password=None)
        certificate = x509.load_pem_x509_certificates(entry["certificates_pem"].encode())[0]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(key, rsa.RSAPrivateKey):
        return None
    issued = Issued(certificate, key)
    if not (_usable_until(issued, 30) and _signed_by(issued, root)):
        return None
    if certificate.public_key() != key.public_key():
        return None
    return issued


def _remote_config(holder: Issued, root: Issued) -> dict[str, Any]:
    provider = settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS[REMOTE_PROVIDER]
    key_pem = holder.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "client_id": provider.get("client_id", ""),
        "client_secret": provider.get("client_secret", ""),
        "webhook_secret": provider.get("webhook_secret", ""),
        "timeout_seconds": settings.LIENTHONG_REMOTE_SIGNING_TIMEOUT_SECONDS,
        "users": [
            {
                "user_id": REMOTE_USER_ID,
                "credential_id": REMOTE_CREDENTIAL_ID,
                "key_pem": key_pem.decode(),
                "certificates_pem": (holder.pem + root.pem).decode(),
            }
        ],
    }


def _ensure_remote(user: Any, root: Issued, result: DemoPkiResult) -> None:
    """Give the remote signer his key at the simulator and his remote credential on file."""
    holder = _remote_key(root)
    if holder is None:
        holder = _issue(
            subject=_name(
                user.full_name,
                user.agency.name,
                unit=user.unit.name if user.unit else "",
                title=user.position.name if user.position else "",
            ),
            key=_new_key(),
            issuer=root,
            years=HOLDER_YEARS,
        )
    config = _remote_config(holder, root)
    text = json.dumps(config, ensure_ascii=False, indent=1)
    path = remote_config_path()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        _write(path, text.encode())  # the provider's secrets and key: 0600, never committed
    on_file = (
        SigningCredential.objects.personal_of(user)
        .usable()
        .filter(
            source=KeySource.REMOTE,
            remote_provider=REMOTE_PROVIDER,
            remote_key_id=REMOTE_CREDENTIAL_ID,
            fingerprint=engine.certificate_fingerprint(holder.asn1),
        )
    )
    if not on_file.exists():
        with _simulator_answering(config):
            services.register_remote_credential(
                actor=None,
                agency=user.agency,
                user=user,
                provider=REMOTE_PROVIDER,
                provider_user_id=REMOTE_USER_ID,
                credential_id=REMOTE_CREDENTIAL_ID,
                image=signature_png(user.full_name),
            )
        result.remote_added.append(user.username)
    result.remote_signers.append(user.username)


@contextmanager
def _simulator_answering(config: dict[str, Any]) -> Iterator[None]:
    """The simulator on its demo port for the while (registering asks it for the certificate);
    if the port is taken, the simulator `serve` started is assumed to answer there."""
    try:
        server = remote_simulator.serve(
            config, "127.0.0.1", settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT
        )
    except OSError:
        yield
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def demo_root_trusted() -> list[TrustedCertificate]:
    """The trusted certificates that are demo roots (for the production check)."""
    return [
        row
        for row in TrustedCertificate.objects.active()
        if is_demo_certificate_subject(row.subject) or is_demo_certificate_subject(row.name)
    ]
