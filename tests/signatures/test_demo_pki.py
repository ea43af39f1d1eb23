"""The demo PKI made by `lienthong load_demo` (LIENTHONG_DEMO on) and the demo timestamp
authority (`lienthong tsa_simulator`, started by `serve` in the demo): built once, usable with the
printed PIN, trusted, and checked outside the platform by pyHanko's CLI and poppler's pdfsig."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core import checks
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.demo.province import load_demo_province
from lienthong.drafting.permissions import is_leader
from lienthong.signatures import demo, keys, services
from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD, CredentialKind, KeySource
from lienthong.signatures.models import SigningCredential, TrustedCertificate
from tests.conftest import copy_migrated, free_port

from . import pki as pki_module

PIN = demo.DEMO_SIGNING_PIN
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_dir(settings, tmp_path) -> Path:
    """A demo installation whose PKI lives in a temporary folder; no TSA unless a test says."""
    settings.LIENTHONG_DEMO = True
    settings.LIENTHONG_DEMO_PKI_DIR = tmp_path / "demo-pki"
    settings.LIENTHONG_TSA_URL = ""
    return settings.LIENTHONG_DEMO_PKI_DIR


def _cert(credential: SigningCredential) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(credential.certificate))


def _attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    return str(cert.subject.get_attributes_for_oid(oid)[0].value)


def _small_pdf(text: str = "Văn bản thử nghiệm") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p style='font-family: Noto Serif'>{text}</p>").write_pdf()


def _snapshot() -> tuple[list, list]:
    return (
        list(SigningCredential.objects.order_by("pk").values_list("pk", "fingerprint")),
        list(TrustedCertificate.objects.order_by("pk").values_list("pk", "fingerprint")),
    )


def test_load_demo_builds_the_pki_once_and_prints_every_signers_pin(db, settings, demo_dir):
    settings.LIENTHONG_DEMO = False  # production: load_demo makes no PKI
    call_command("load_demo", stdout=io.StringIO())
    assert not SigningCredential.objects.exists() and not TrustedCertificate.objects.exists()
    assert not demo_dir.exists()

    settings.LIENTHONG_DEMO = True
    first = io.StringIO()
    call_command("load_demo", stdout=first)
    made = _snapshot()
    files = {path.name: path.read_bytes() for path in demo_dir.iterdir()}
    assert set(files) == {"root.pem", "root.key.sealed", "tsa.pem", "tsa.key.sealed"}
    assert b"PRIVATE KEY" not in files["root.key.sealed"] + files["tsa.key.sealed"]

    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert _snapshot() == made  # nothing added, nothing replaced
    assert {path.name: path.read_bytes() for path in demo_dir.iterdir()} == files
    assert "0 personal certificates and 0 agency seals added" in again.getvalue()

    root = x509.load_pem_x509_certificate(files["root.pem"])
    assert _attr(root, NameOID.COMMON_NAME) == "CA thử nghiệm — không có giá trị pháp lý"
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    (trusted,) = TrustedCertificate.objects.active()
    assert trusted.certificate == root.public_bytes(encoding=_der())

    leaders = [u for u in User.objects.filter(agency__isnull=False) if is_leader(u)]
    assert {u.username for u in leaders} >= {"lanhdao.stp", "lanhdao.ubndtinh", "lanhdao.khanhbinh"}
    lines = {line.split()[0]: line for line in first.getvalue().splitlines() if line[:2] == "  "}
    for user in leaders:
        (credential,) = SigningCredential.objects.personal_of(user).usable()
        cert = _cert(credential)
        cert.verify_directly_issued_by(root)
        assert _attr(cert, NameOID.COMMON_NAME) == user.full_name
        assert _attr(cert, NameOID.ORGANIZATION_NAME) == user.agency.name
        assert _attr(cert, NameOID.STATE_OR_PROVINCE_NAME) == "Cà Mau"
        assert _attr(cert, NameOID.COUNTRY_NAME) == "VN"
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
        lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
        assert timedelta(days=3 * 365 - 2) < lifetime < timedelta(days=3 * 365 + 2)
        assert bytes(credential.image).startswith(b"\x89PNG")  # a signature drawing
        assert f"PIN ký số: {PIN}" in lines[user.username]
    for clerk in User.objects.with_role(Role.CLERK):
        assert f"PIN con dấu: {PIN}" in lines[clerk.username]
    assert "PIN" not in lines["chuyenvien.stp"]

    agencies = list(Agency.objects.all())
    assert len(agencies) > 50
    for agency in agencies:
        (seal,) = SigningCredential.objects.of_agency(agency).usable()
        cert = _cert(seal)
        cert.verify_directly_issued_by(root)
        assert _attr(cert, NameOID.COMMON_NAME) == agency.name
        assert _attr(cert, NameOID.ORGANIZATION_NAME) == agency.name
        assert bytes(seal.image).startswith(b"\x89PNG")  # a seal drawing

    tsa = x509.load_pem_x509_certificate(files["tsa.pem"])
    tsa.verify_directly_issued_by(root)
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def test_every_demo_signer_and_agency_signs_with_the_printed_pin(db, demo_dir):
    load_demo_province()
    demo.load_demo_pki()
    pdf = _small_pdf()
    root = demo.root_ca().asn1
    context = ValidationContext(trust_roots=[root])

    leaders = [u for u in User.objects.filter(agency__isnull=False) if is_leader(u)]
    signed_by: dict[int, bytes] = {}
    for user in leaders:
        signed = services.sign_personal(actor=user, data=pdf, secret=PIN, position="Giám đốc")
        report = services.verify_pdf(signed)
        assert report.status == "valid", (user.username, report)
        (signature,) = report.signatures
        assert signature.trusted and signature.signer == user.full_name
        signed_by.setdefault(user.agency_id, signed)

    clerks = {c.agency_id: c for c in User.objects.with_role(Role.CLERK)}
    assert len(clerks) >= 6
    for agency_id, clerk in clerks.items():
        issued = services.apply_agency_signature(
            agency=clerk.agency,
            actor=clerk,
            data=signed_by[agency_id],
            secret=PIN,
            number_and_symbol="01/QĐ-TN",
        )
        report = services.verify_pdf(issued)
        assert report.status == "valid", (clerk.username, report)
        assert [s.field_name for s in report.signatures] == [PERSONAL_FIELD, AGENCY_FIELD]
        assert all(s.trusted for s in report.signatures)
        assert report.signatures[1].organisation == clerk.agency.name

    # Every agency's seal, clerk or not, opens with the PIN and signs; the root vouches for it.
    for credential in SigningCredential.objects.filter(kind=CredentialKind.AGENCY):
        with keys.open_signer(credential, PIN) as signer:
            out = signers.sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)),
                signers.PdfSignatureMetadata(field_name="Seal"),
                signer=signer,
            )
        (embedded,) = PdfFileReader(out).embedded_signatures
        status = validate_pdf_signature(embedded, context)
        assert status.bottom_line, credential.agency.name

    with pytest.raises(services.ValidationError):
        services.sign_personal(actor=leaders[0], data=pdf, secret="000000")


@contextmanager
def running_tsa(demo_dir: Path) -> Iterator[str]:
    """`lienthong tsa_simulator` as its own process (as `serve` starts it), on a free port."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
        "LIENTHONG_DEMO_PKI_DIR": str(demo_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "lienthong", "tsa_simulator", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    assert b"RFC 3161" in answer.read()
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the demo TSA did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_demo_tsa_timestamps_signatures_that_validate_inside_and_outside(
    db, settings, demo_dir, org, tmp_path
):
    demo.load_demo_pki(agencies=[org.stp])
    root = demo.root_ca()
    with running_tsa(demo_dir) as url:  # it reads the TSA the loader made
        _check_tsa(settings, url, root, org, tmp_path)


def _check_tsa(settings, url: str, root: demo.Issued, org, tmp_path: Path) -> None:
    # A real pyHanko HTTP client gets a token over the message imprint it sent.
    digest = hashlib.sha256(b"lienthong").digest()
    token = asyncio.run(HTTPTimeStamper(url).async_timestamp(digest, "sha256"))
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    assert isinstance(tst_info, tsp.TSTInfo)
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    gen_time = tst_info["gen_time"].native
    assert abs(gen_time - timezone.now()) < timedelta(minutes=5)
    # A request that is not RFC 3161 is refused.
    bad = urllib.request.Request(  # noqa: S310 - http to the local TSA
        url, data=b"not asn.1", headers={"Content-Type": "application/timestamp-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=5)  # noqa: S310
    assert refused.value.code == 400

    # Signing through the platform, as the demo does: PAdES B-T, both signatures.
    settings.LIENTHONG_TSA_URL = url
    personal = services.sign_personal(
        actor=org.director, data=pki_module.decision_pdf(), secret=PIN, position="Giám đốc"
    )
    issued = services.apply_agency_signature(
        agency=org.stp, actor=org.clerk, data=personal, secret=PIN, number_and_symbol="7/QĐ-STP"
    )
    report = services.verify_pdf(issued)
    assert report.status == "valid", report
    assert all(s.trusted and s.timestamp_time is not None for s in report.signatures)
    context = ValidationContext(trust_roots=[root.asn1])
    for embedded in PdfFileReader(io.BytesIO(issued)).embedded_signatures:
        status = validate_pdf_signature(embedded, context, ts_validation_context=context)
        assert status.bottom_line
        stamp = status.timestamp_validity
        assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
        assert stamp.signing_cert.subject.native["common_name"] == demo.TSA_COMMON_NAME

    # Outside the platform: pyHanko's own CLI with the demo root as the only trust anchor.
    pdf_path, root_path = tmp_path / "issued.pdf", tmp_path / "root.pem"
    pdf_path.write_bytes(issued)
    root_path.write_bytes(root.pem)
    pyhanko = shutil.which("pyhanko", path=str(Path(sys.executable).parent)) or "pyhanko"
    validated = subprocess.run(
        [
            pyhanko,
            "sign",
            "validate",
            "--trust",
            str(root_path),
            "--trust-replace",
            "--no-revocation-check",
            # The test clock may be moved (LIENTHONG_TEST_CLOCK); the CLI is not a Django
            # process, so it is told the time the certificates were made at.
            "--validation-time",
            timezone.now().isoformat(),
            "--pretty-print",
            str(pdf_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    text = validated.stdout
    assert text.count("The signature is cryptographically sound") == 2, text
    assert "untrusted" not in text.lower() and text.count("is trusted") >= 2, text
    assert text.count("timestamp token") >= 2, text
    # The same file, checked against another root, is not trusted: the CLI really uses --trust.
    other = tmp_path / "other.pem"
    other.write_bytes(_other_root_pem())
    untrusted = subprocess.run(
        [
            pyhanko,
            "sign",
            "validate",
            "--trust",
            str(other),
            "--trust-replace",
            "--no-revocation-check",
            # The test clock may be moved (LIENTHONG_TEST_CLOCK); the CLI is not a Django
            # process, so it is told the time the certificates were made at.
            "--validation-time",
            timezone.now().isoformat(),
            "--executive-summary",
            str(pdf_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert untrusted.returncode != 0

    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "poppler-utils (pdfsig) is installed by scripts/run and the test image"
    checked = subprocess.run([pdfsig, str(pdf_path)], capture_output=True, text=True, check=False)
    out = checked.stdout
    assert out.count("Signature is Valid.") == 2, out
    assert org.director.full_name in out, out
    assert re.search(r"Signer full Distinguished Name: .*O=Sở Tư pháp", out), out


def _other_root_pem() -> bytes:
    """A root CA nobody trusts (made like the demo's, in another folder)."""
    key = demo._new_key()
    return demo._issue(
        subject=demo._name("CA lạ", "CA lạ"), key=key, issuer=None, years=1, ca=True
    ).pem


def test_a_trusted_demo_root_is_refused_outside_a_demo(db, settings, demo_dir):
    demo.load_demo_pki(agencies=[])

    def errors() -> list[str]:
        found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        return [message.id for message in found if message.id == "signatures.E001"]

    assert errors() == []  # a demo: allowed
    settings.LIENTHONG_DEMO = False
    assert errors() == ["signatures.E001"]
    (row,) = TrustedCertificate.objects.active()
    row.is_active = False
    row.save(update_fields=["is_active"])
    assert errors() == []


def test_serve_runs_the_demo_tsa_beside_the_worker_only_when_configured(
    db, demo_dir, tmp_path, monkeypatch, migrated_sqlite
):
    from tests.core import test_serve

    demo.load_demo_pki(agencies=[])  # the root and the TSA's files, sealed with the test key
    data = copy_migrated(migrated_sqlite, tmp_path / "data")
    port = free_port()
    monkeypatch.setenv("LIENTHONG_DEMO_PKI_DIR", str(demo_dir))
    monkeypatch.setenv("LIENTHONG_DEMO_TSA_PORT", str(port))
    served = test_serve.start(data, "--no-front", "--web-workers", "1")
    try:
        test_serve.wait_for(
            served,
            "gunicorn, the worker, the scheduler and the demo TSA",
            lambda: all(
                served.processes(name)
                for name in ["gunicorn", "db_worker", "lienthong scheduler", "tsa_simulator"]
            ),
        )
        digest = hashlib.sha256(b"serve").digest()
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                token = asyncio.run(HTTPTimeStamper(url).async_timestamp(digest, "sha256"))
                break
            except Exception:
                assert time.monotonic() < deadline, served.log.read_text()
                time.sleep(0.3)
        tst_info = token["content"]["encap_content_info"]["content"].parsed
        assert tst_info["message_imprint"]["hashed_message"].native == digest
        os.killpg(served.process.pid, signal.SIGINT)
        assert served.process.wait(timeout=30) == 0
        assert test_serve._gone(served) == []
    finally:
        test_serve.stop(served)

    # Without the setting (production), no TSA is started.
    monkeypatch.delenv("LIENTHONG_DEMO_TSA_PORT")
    served = test_serve.start(data, "--no-front", "--web-workers", "1")
    try:
        test_serve.wait_for(
            served, "the worker", lambda: bool(served.processes("lienthong scheduler"))
        )
        assert served.processes("tsa_simulator") == []
    finally:
        test_serve.stop(served)


# --- Remote signing in the demo (ký số từ xa with the simulator) ---------------------------------


@pytest.fixture
def remote_demo(settings, demo_dir) -> dict[str, str]:
    """The demo provider as ./scripts/run configures it: the simulator on a free local port."""
    port = free_port()
    provider = {
        "url": f"http://127.0.0.1:{port}",
        "client_id": "lienthong-demo",
        "client_secret": "bi-mat-client-demo",
        "webhook_secret": "bi-mat-webhook-demo",
    }
    settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT = port
    settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS = {demo.REMOTE_PROVIDER: provider}
    return provider


def _port_free(port: int) -> bool:
    """Nobody listens there (a connection is refused)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_load_demo_gives_the_deputy_director_a_remote_credential_once(
    db, settings, demo_dir, remote_demo
):
    first = io.StringIO()
    call_command("load_demo", stdout=first)
    deputy = User.objects.get(username=demo.REMOTE_SIGNER)
    assert deputy.position.name == "Phó Giám đốc" and deputy.agency.code == "000.00.11.H12"
    assert is_leader(deputy)
    # His only credential is remote: the provider holds the key, the platform its certificate.
    (credential,) = SigningCredential.objects.personal_of(deputy)
    assert credential.source == KeySource.REMOTE
    assert credential.remote_provider == demo.REMOTE_PROVIDER
    assert credential.remote_user_id == demo.REMOTE_USER_ID
    assert credential.remote_key_id == demo.REMOTE_CREDENTIAL_ID
    assert services.remote_personal_credential(deputy) == credential
    root = demo.root_ca()
    cert = _cert(credential)
    cert.verify_directly_issued_by(root.certificate)
    assert _attr(cert, NameOID.COMMON_NAME) == deputy.full_name
    assert _attr(cert, NameOID.TITLE) == "Phó Giám đốc"
    # The other leaders keep their PKCS#12 certificates.
    director = User.objects.get(username="lanhdao.stttt")
    assert SigningCredential.objects.personal_of(director).get().source == KeySource.PKCS12

    # The simulator's configuration: the provider's secrets and his key, for his eyes only.
    path = demo_dir / demo.REMOTE_CONFIG
    assert path.stat().st_mode & 0o777 == 0o600
    config = json.loads(path.read_text())
    assert config["client_id"] == remote_demo["client_id"]
    assert config["client_secret"] == remote_demo["client_secret"]
    assert config["webhook_secret"] == remote_demo["webhook_secret"]
    (entry,) = config["users"]
    assert (entry["user_id"], entry["credential_id"]) == (
        demo.REMOTE_USER_ID,
        demo.REMOTE_CREDENTIAL_ID,
    )
    chain = x509.load_pem_x509_certificates(entry["certificates_pem"].encode())
    assert chain[0] == cert and chain[1] == root.certificate
    key = load_pem_private_key(entry["key_pem"].encode(), password=None)
    assert key.public_key() == cert.public_key()
    # The simulator load_demo ran to register him is gone.
    assert _port_free(settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT)

    lines = {line.split()[0]: line for line in first.getvalue().splitlines() if line[:2] == "  "}
    phone = f"{remote_demo['url']}/xac-nhan/"
    assert f"ký số từ xa: xác nhận tại {phone}" in lines[demo.REMOTE_SIGNER]
    assert "PIN" not in lines[demo.REMOTE_SIGNER]
    assert "PIN ký số" in lines["lanhdao.stttt"]
    assert f"Remote signing (ký số từ xa): {demo.REMOTE_SIGNER} signs" in first.getvalue()

    # Again: nothing added, the same key and configuration.
    made, config_bytes = _snapshot(), path.read_bytes()
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert _snapshot() == made and path.read_bytes() == config_bytes
    assert "Demo remote signing:" not in again.getvalue()
    assert f"ký số từ xa: xác nhận tại {phone}" in again.getvalue()


def test_without_the_remote_demo_setting_nothing_remote_is_made(db, settings, demo_dir):
    settings.LIENTHONG_REMOTE_SIGNING_PROVIDERS = {}
    settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT = 0
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    deputy = User.objects.get(username=demo.REMOTE_SIGNER)
    assert SigningCredential.objects.personal_of(deputy).get().source == KeySource.PKCS12
    assert not SigningCredential.objects.filter(source=KeySource.REMOTE).exists()
    assert not (demo_dir / demo.REMOTE_CONFIG).exists()
    assert "ký số từ xa" not in out.getvalue()


@contextmanager
def running_remote_simulator(demo_dir: Path, port: int) -> Iterator[str]:
    """`lienthong remote_signing_simulator` on the configuration load_demo wrote (as `serve`
    starts it)."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "lienthong", "remote_signing_simulator"),
            *("--config", str(demo_dir / demo.REMOTE_CONFIG), "--port", str(port)),
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lienthong.conf.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                urllib.request.urlopen(f"{url}/xac-nhan/", timeout=2).close()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_demo_deputy_signs_a_draft_remotely_confirming_on_the_simulator_page(
    db, settings, demo_dir, remote_demo, live_server
):
    from lienthong.documents.models import DocumentType
    from lienthong.drafting import services as drafting
    from lienthong.drafting.constants import DraftState, SigningAuthority
    from lienthong.drafting.models import Draft
    from tests.drafting.conftest import upload

    settings.LIENTHONG_SITE_URL = live_server.url  # where the simulator calls back
    call_command("load_demo", stdout=io.StringIO(), quiet_logins=True)
    deputy = User.objects.get(username=demo.REMOTE_SIGNER)
    specialist = User.objects.get(username="chuyenvien.stttt")
    head = User.objects.get(username="truongphong.stttt")
    draft = drafting.create_draft(
        actor=specialist,
        document_type=DocumentType.objects.get(name="Quyết định"),
        subject="Quyết định ban hành Quy chế văn thư, lưu trữ",
        signer=deputy,
        signing_authority=SigningAuthority.KT,
        on_behalf_of=User.objects.get(username="lanhdao.stttt"),
        recipient_agencies=[Agency.objects.get(code="000.00.05.H12")],
        upload=upload(pki_module.decision_pdf(), "quyet-dinh.pdf"),
        file_name="quyet-dinh.pdf",
    )
    drafting.submit_for_review(actor=specialist, draft=draft, comment="Kính trình")
    drafting.review(actor=head, draft=draft, decision="approve")
    drafting.send_to_signer(actor=head, draft=draft)

    with running_remote_simulator(demo_dir, settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT) as url:
        drafting.start_remote_signing(actor=deputy, draft=Draft.objects.get(pk=draft.pk))
        draft = Draft.objects.get(pk=draft.pk)
        assert draft.state == DraftState.AWAITING_SIGNATURE_CONFIRMATION
        # On the “phone”: the list shows his request; he opens it and confirms.
        with urllib.request.urlopen(f"{url}/xac-nhan/", timeout=10) as answer:  # noqa: S310
            listing = answer.read().decode()
        (transaction_id,) = re.findall(r'href="/xac-nhan/([^"]+)"', listing)
        assert demo.REMOTE_USER_ID in listing
        confirm = urllib.request.Request(  # noqa: S310 - the local simulator
            f"{url}/xac-nhan/{transaction_id}", data=b"action=confirm", method="POST"
        )
        with urllib.request.urlopen(confirm, timeout=60) as answer:  # noqa: S310
            assert 'data-testid="callback">200<' in answer.read().decode()

    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.APPROVED and draft.signed_by == deputy
    with default_storage.open(draft.signed_version.blob.storage_name, "rb") as handle:
        signed = handle.read()
    report = services.verify_pdf(signed)
    assert report.status == "valid", report
    (signature,) = report.signatures
    assert signature.trusted and signature.signer == deputy.full_name
    # Against the demo root alone, outside the platform's verifier.
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    context = ValidationContext(trust_roots=[demo.root_ca().asn1])
    # In a thread of its own: pyHanko's synchronous API starts an event loop, and the test
    # process may already run one (the browser tests' Playwright).
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, embedded, context).result()
    assert status.bottom_line and status.trusted
    assert embedded.signer_cert.dump() == bytes(
        SigningCredential.objects.personal_of(deputy).get().certificate
    )


def test_serve_runs_the_remote_signing_simulator_only_when_configured(
    db, settings, demo_dir, remote_demo, tmp_path, monkeypatch, migrated_sqlite
):
    from lienthong.signatures import remote
    from tests.core import test_serve

    load_demo_province()
    demo.load_demo_pki(agencies=list(Agency.objects.filter(code="000.00.11.H12")))
    data = copy_migrated(migrated_sqlite, tmp_path / "data")
    port = settings.LIENTHONG_DEMO_REMOTE_SIGNING_PORT
    monkeypatch.setenv("LIENTHONG_DEMO_PKI_DIR", str(demo_dir))
    monkeypatch.setenv("LIENTHONG_DEMO_REMOTE_SIGNING_PORT", str(port))
    served = test_serve.start(data, "--no-front", "--web-workers", "1")
    try:
        test_serve.wait_for(
            served,
            "gunicorn, the worker, the scheduler and the remote signing simulator",
            lambda: all(
                served.processes(name)
                for name in ["gunicorn", "db_worker", "lienthong scheduler", "remote_signing"]
            ),
        )
        client = remote.CscHttpClient(
            url=remote_demo["url"],
            client_id=remote_demo["client_id"],
            client_secret=remote_demo["client_secret"],
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                listed = client.list_credentials(user_id=demo.REMOTE_USER_ID)
                break
            except remote.RemoteSigningError:
                assert time.monotonic() < deadline, served.log.read_text()
                time.sleep(0.3)
        assert listed == [demo.REMOTE_CREDENTIAL_ID]
        info = client.credential_info(
            user_id=demo.REMOTE_USER_ID, credential_id=demo.REMOTE_CREDENTIAL_ID
        )
        deputy = User.objects.get(username=demo.REMOTE_SIGNER)
        assert info.certificates[0].dump() == bytes(
            SigningCredential.objects.personal_of(deputy).get().certificate
        )
        wrong = remote.CscHttpClient(
            url=remote_demo["url"], client_id=remote_demo["client_id"], client_secret="x"
        )
        with pytest.raises(remote.RemoteSigningError):
            wrong.list_credentials(user_id=demo.REMOTE_USER_ID)
        os.killpg(served.process.pid, signal.SIGINT)
        assert served.process.wait(timeout=30) == 0
        assert test_serve._gone(served) == []
    finally:
        test_serve.stop(served)

    # Without the setting (production), no simulator is started.
    monkeypatch.delenv("LIENTHONG_DEMO_REMOTE_SIGNING_PORT")
    served = test_serve.start(data, "--no-front", "--web-workers", "1")
    try:
        test_serve.wait_for(
            served, "the worker", lambda: bool(served.processes("lienthong scheduler"))
        )
        assert served.processes("remote_signing") == []
    finally:
        test_serve.stop(served)
