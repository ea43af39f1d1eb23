"""The demo of the national document axis (only with LIENTHONG_DEMO and LIENTHONG_DEMO_AXIS_PORT,
which ./scripts/run sets): the province's system certificate issued by the demo root (no legal
value), the configuration of `lienthong axis_simulator` (the province's agencies, and a
fictitious ministry with invented codes in the G99 group), and one signed package from that
ministry waiting on the simulator for UBND tỉnh: `lienthong serve` starts the simulator, the
scheduler's poll brings the document into the clerk's incoming queue within a minute and
synchronises the directory. Idempotent: what exists is reused, the package is put once."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone

from lienthong.accounts.models import Agency
from lienthong.signatures import demo as signatures_demo

from . import edxml
from .axis_simulator import AxisSimulator, System

MINISTRY_SYSTEM = "bo-thu-nghiem-demo"
MINISTRY = [
    {"code": "000.00.00.G99", "name": "Bộ Thử nghiệm (dữ liệu mẫu)", "pcode": ""},
    {
        "code": "000.00.01.G99",
        "name": "Văn phòng Bộ Thử nghiệm (dữ liệu mẫu)",
        "pcode": "000.00.00.G99",
    },
    {"code": "000.00.02.G99", "name": "Cục Chuyển đổi số (dữ liệu mẫu)", "pcode": "000.00.00.G99"},
]
PROVINCE = "000.00.00.H12"


def _fit(text: str) -> str:
    """At most 64 bytes in UTF-8 (the X.520 bound, as `cryptography` counts it)."""
    while len(text.encode()) > 64:
        text = text[:-1]
    return text.strip()


def _issue(
    common_name: str, root: signatures_demo.Issued
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, signatures_demo.ORGANIZATION),
                ]
            )
        )
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(min(now + timedelta(days=730), root.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    return key, cert


def _ensure_pkcs12(path: Path, common_name: str, passphrase: str) -> tuple[bytes, list[bytes]]:
    root = signatures_demo.root_ca()
    if not path.exists():
        key, cert = _issue(common_name, root)
        data = pkcs12.serialize_key_and_certificates(
            b"axis",
            key,
            cert,
            [root.certificate],
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o600)
    stored_key, stored_cert, extra = pkcs12.load_key_and_certificates(
        path.read_bytes(), passphrase.encode()
    )
    assert stored_key is not None and stored_cert is not None
    return (
        stored_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        [stored_cert.public_bytes(serialization.Encoding.PEM)]
        + [c.public_bytes(serialization.Encoding.PEM) for c in extra],
    )


def _ministry_package(
    key_pem: bytes, certificates: list[bytes], *, updates: str = "", issued: date | None = None
) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415  (the demo's PDF only)

    pdf = HTML(
        string='<html lang="vi"><body style="font-family: Noto Serif">'
        "<h3>BỘ THỬ NGHIỆM (dữ liệu mẫu)</h3><p>Số: 15/BTN-VP</p>"
        "<p>V/v đề nghị báo cáo kết quả triển khai liên thông văn bản điện tử năm 2012</p>"
        "<p>Văn bản mẫu gửi qua trục liên thông mô phỏng; không có giá trị pháp lý.</p>"
        "</body></html>"
    ).write_pdf()
    today = issued or timezone.localdate()
    business = edxml.Business()
    subject = "V/v đề nghị báo cáo kết quả triển khai liên thông văn bản điện tử"
    if updates:  # the same document, updated by its sender: a request our clerk answers
        business = edxml.Business(
            edxml.BusinessType.UPDATE,
            document_id=updates,
            reason="Điều chỉnh trích yếu và thời hạn báo cáo (dữ liệu mẫu)",
        )
        subject += " và chuyển đổi số"
    message = edxml.Message(
        sender=edxml.Organ("000.00.01.G99", MINISTRY[1]["name"], in_charge=MINISTRY[0]["name"]),
        recipients=[edxml.Organ(PROVINCE, "Ủy ban nhân dân tỉnh Cà Mau")],
        code_number="15",
        code_notation="BTN-VP",
        place="Hà Nội",
        promulgation_date=today,
        type_name="Công văn",
        subject=subject,
        content="Đề nghị UBND tỉnh báo cáo trước ngày 30 của tháng sau.",
        signer=edxml.Signer("Nguyễn Văn Mẫu", "Chánh Văn phòng", "TL. BỘ TRƯỞNG"),
        due_date=today + timedelta(days=45 if updates else 30),
        to_places=["Như trên", "Lưu: VT, VP"],
        priority=1,
        business=business,
        typer_notation="NVM",
        promulgation_amount=3,
        page_amount=1,
        attachments=[
            edxml.AttachmentFile("cid:demo-15", "15-BTN-VP.pdf", "application/pdf", pdf, "Văn bản")
        ],
    )
    return edxml.sign(edxml.build_message(message), key_pem=key_pem, certificates=certificates)


def load_axis_demo() -> str:
    """Set up the demo axis; returns what was done (for load_demo's output)."""
    if not (settings.LIENTHONG_DEMO and settings.LIENTHONG_DEMO_AXIS_PORT):
        return "skipped"
    if not (settings.LIENTHONG_AXIS_SIGNING_PKCS12 and settings.LIENTHONG_AXIS_SECRET):
        return "skipped: LIENTHONG_AXIS_SIGNING_PKCS12 and LIENTHONG_AXIS_SECRET are not set"
    try:
        signatures_demo.root_ca()
    except signatures_demo.DemoPkiUnavailable:
        signatures_demo.load_demo_pki()
    passphrase = settings.LIENTHONG_AXIS_SIGNING_PASSPHRASE
    _ensure_pkcs12(
        Path(settings.LIENTHONG_AXIS_SIGNING_PKCS12),
        f"QLVB {signatures_demo.PROVINCE_NAME} — {signatures_demo.NO_LEGAL_VALUE}",
        passphrase,
    )
    data_dir = Path(settings.DATA_DIR)
    config_path = data_dir / "axis-simulator.json"
    ministry_secret = secrets.token_urlsafe(24)
    if config_path.exists():
        old = json.loads(config_path.read_text())
        ministry_secret = (
            old.get("systems", {}).get(MINISTRY_SYSTEM, {}).get("secret", ministry_secret)
        )
    province = [
        {"code": a.code, "name": a.name, "pcode": a.parent.code if a.parent else ""}
        for a in Agency.objects.filter(is_active=True).select_related("parent").order_by("code")
    ]
    config = {
        "systems": {
            settings.LIENTHONG_AXIS_SYSTEM_ID: {
                "secret": settings.LIENTHONG_AXIS_SECRET,
                "agencies": province,
            },
            MINISTRY_SYSTEM: {"secret": ministry_secret, "agencies": MINISTRY},
        }
    }
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2))
    config_path.chmod(0o600)
    simulator = AxisSimulator.from_config(config, data_dir / "axis-simulator.sqlite3")
    try:
        sent = [row for row in simulator.stored() if row["from_code"] == MINISTRY[1]["code"]]
        if len(sent) >= 2:
            return "ready"
        key_pem, certificates = _ensure_pkcs12(
            signatures_demo.pki_dir() / "axis-ministry-demo.p12",
            f"Bộ Thử nghiệm — {signatures_demo.NO_LEGAL_VALUE}",
            signatures_demo.DEMO_SIGNING_PIN,
        )
        ministry = System(MINISTRY_SYSTEM, ministry_secret, MINISTRY)
        if not sent:
            simulator.accept(ministry, _ministry_package(key_pem, certificates), "edoc")
            sent = [row for row in simulator.stored() if row["from_code"] == MINISTRY[1]["code"]]
        # Then the ministry updates that document (subject, due date): polled after it, the
        # update waits for UBND tỉnh's clerk at exchange:axis-requests (agree 15 / refuse 16).
        original = sent[0]["document_id"]
        issued = datetime.strptime(original.split(",")[1], "%Y/%m/%d").date()
        update = _ministry_package(key_pem, certificates, updates=original, issued=issued)
        simulator.accept(ministry, update, "edoc")
    finally:
        simulator.close()
    return "ready, a package from the demo ministry and its update waiting"
