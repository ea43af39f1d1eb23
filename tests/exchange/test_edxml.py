"""edXML packages: what we build passes our schema and an independent XML-DSig check (xmlsec1);
what others send is read leniently (each variant is a small package of ours under packages/);
what cannot be used or was tampered with is refused with a reason."""

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from lienthong.exchange import edxml
from tests.exchange.pki import make_pki

PACKAGES = Path(__file__).with_name("packages")


def sample_message(**overrides) -> edxml.Message:
    fields = dict(
        sender=edxml.Organ("000.00.00.H12", "Ủy ban nhân dân tỉnh Cà Mau", address="Cà Mau"),
        recipients=[edxml.Organ("000.00.00.G01", "Bộ Thử nghiệm")],
        code_number="12",
        code_notation="UBND-VP",
        place="Cà Mau",
        promulgation_date=date(2026, 12, 1),
        type_name="Công văn",
        subject="V/v thử nghiệm liên thông văn bản",
        content="Đề nghị báo cáo trước ngày 15/12/2026",
        signer=edxml.Signer("Nguyễn Văn A", "Chủ tịch", "KT. CHỦ TỊCH"),
        due_date=date(2026, 12, 15),
        to_places=["Như trên", "Lưu: VT"],
        priority=1,
        typer_notation="NVA",
        promulgation_amount=5,
        page_amount=2,
        appendixes=["Phụ lục I"],
        response_for=[edxml.ResponseFor("000.00.00.G01", "40/BTN-VP", date(2026, 11, 20), "x,y,z")],
        steering_type=2,
        business=edxml.Business(staff=[edxml.Staff("Trần Thị B", "Văn thư")]),
        attachments=[
            edxml.AttachmentFile(
                "cid:doc-1", "12-UBND-VP.pdf", "application/pdf", b"%PDF-1.4\n% test", "Văn bản"
            )
        ],
    )
    fields.update(overrides)
    return edxml.Message(**fields)


def signed(message: edxml.Message) -> bytes:
    pki = make_pki()
    return edxml.sign(
        edxml.build_message(message), key_pem=pki.key_pem, certificates=[pki.cert_pem]
    )


def test_a_package_we_build_passes_our_schema_and_xmlsec1(tmp_path):
    # The suite runs with its clock moved (LIENTHONG_TEST_CLOCK), and the test certificates are
    # made at that time: xmlsec1 checks them at the same moment.
    now = timezone.now().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    AT_TEST_CLOCK = ["--verification-time", now]
    package = signed(sample_message())
    edxml.validate(package)  # our XSD, signature included
    root = etree.fromstring(package)
    # Every child of the envelope carries the explicit edXML: prefix (the axis requires it).
    envelope = root[0]
    assert envelope.prefix == "edXML"
    assert all(el.prefix == "edXML" for el in envelope.iter(f"{{{edxml.NS}}}*"))
    (tmp_path / "p.edxml").write_bytes(package)
    (tmp_path / "root.pem").write_bytes(make_pki().root_pem)
    result = subprocess.run(
        [
            "xmlsec1",
            "--verify",
            *AT_TEST_CLOCK,
            "--trusted-pem",
            tmp_path / "root.pem",
            tmp_path / "p.edxml",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    check = edxml.verify(package, anchors=[make_pki().root_pem])
    assert check.label == "trusted"
    # Untrusted root: the signature holds but the signer is not trusted.
    assert edxml.verify(package).label == "valid-untrusted"
    # A hand-corrupted package: xmlsec1 and we both refuse it.
    corrupt = package.replace("Bộ Thử nghiệm".encode(), "Bộ Giả mạo".encode())
    (tmp_path / "c.edxml").write_bytes(corrupt)
    bad = subprocess.run(
        [
            "xmlsec1",
            "--verify",
            *AT_TEST_CLOCK,
            "--trusted-pem",
            tmp_path / "root.pem",
            tmp_path / "c.edxml",
        ],
        capture_output=True,
        check=False,
    )
    assert bad.returncode != 0
    check = edxml.verify(corrupt, anchors=[make_pki().root_pem])
    assert check.label == "invalid" and "digest" in check.problem.lower()


def test_round_trip_keeps_every_field():
    parsed = edxml.parse(signed(sample_message()))
    assert parsed.kind == "message" and parsed.warnings == []
    got = parsed.message
    assert got.document_id == "000.00.00.H12,2026/12/01,12/UBND-VP"
    assert (got.code_number, got.code_notation) == ("12", "UBND-VP")
    assert got.signer == edxml.Signer("Nguyễn Văn A", "Chủ tịch", "KT. CHỦ TỊCH")
    assert got.due_date == date(2026, 12, 15) and got.priority == 1 and got.steering_type == 2
    assert got.to_places == ["Như trên", "Lưu: VT"] and got.appendixes == ["Phụ lục I"]
    assert (got.promulgation_amount, got.page_amount, got.typer_notation) == (5, 2, "NVA")
    assert got.response_for[0].code == "40/BTN-VP"
    assert got.business.doc_type == edxml.BusinessType.NEW
    assert got.business.staff[0].staff == "Trần Thị B"
    [attachment] = got.attachments
    assert attachment.data == b"%PDF-1.4\n% test"  # zipped on the wire, unzipped here
    assert attachment.content_type == "application/pdf" and attachment.description == "Văn bản"


def test_business_types_and_statuses_build_and_parse():
    replace = sample_message(
        business=edxml.Business(edxml.BusinessType.REPLACE, document_id="old", replaced_ids=["old"])
    )
    got = edxml.parse(signed(replace)).message
    assert got.business.doc_type == edxml.BusinessType.REPLACE
    assert got.business.replaced_ids == ["old"]
    assert got.business.reason == "Văn bản thay thế"
    for code in ["01", "02", "03", "04", "05", "06", "13", "15", "16"]:
        status = edxml.Status(
            response_for=edxml.ResponseFor("000.00.00.H12", "12/UBND-VP", date(2026, 12, 1), "d"),
            sender=edxml.Organ("000.00.00.G01", "Bộ Thử nghiệm"),
            code=code,
            timestamp=datetime(2026, 12, 2, 8, 0),
        )
        back = edxml.parse(edxml.build_status(status)).status
        assert back.code == code and back.meaning == edxml.STATUS_MEANINGS[code]
        assert back.response_for.document_id == "d"


def test_the_schema_refuses_what_we_must_not_send():
    with pytest.raises(edxml.PackageInvalid, match="OrganId"):
        edxml.build_message(sample_message(recipients=[edxml.Organ("H12", "Sai mã")]))
    with pytest.raises(edxml.PackageInvalid, match="Subject"):
        edxml.build_message(sample_message(subject="x" * 501))
    with pytest.raises(edxml.PackageInvalid, match="Priority"):
        edxml.build_message(sample_message(priority=7))
    with pytest.raises(edxml.PackageInvalid, match="twice"):
        org = edxml.Organ("000.00.00.G01", "Bộ")
        edxml.build_message(sample_message(recipients=[org, org]))


def test_variants_real_systems_send_are_read():
    # Prefix-less children, dd/MM/yyyy, an odd agency id, Code as one text, SteeringType 0.
    p = edxml.parse((PACKAGES / "noprefix-dmy-dates.edxml").read_bytes())
    m = p.message
    assert m.sender.organ_id == "000.00.00.G01"
    assert m.promulgation_date == date(2026, 11, 30) and m.due_date == date(2026, 12, 15)
    assert (m.code_number, m.code_notation) == ("45", "BTN-VP")
    assert m.traces[0].timestamp == datetime(2026, 11, 30, 9, 15)
    assert m.attachments[0].data.startswith(b"%PDF")
    assert edxml.verify((PACKAGES / "noprefix-dmy-dates.edxml").read_bytes()).label == "unsigned"
    # The older e-doc.vn namespace, ISO dates, a ZIP not declared as such, no DocumentId.
    p = edxml.parse((PACKAGES / "edoc-vn-namespace-zipped.edxml").read_bytes())
    assert p.message.document_id == "000.00.00.G01,2026/12/01,46/BTN-VP"
    assert p.message.attachments[0].data.startswith(b"%PDF")
    assert p.message.priority == 0
    assert any("zipped" in w for w in p.warnings)
    # A status in a SOAP envelope, its code written "3".
    p = edxml.parse((PACKAGES / "status-in-soap.edxml").read_bytes())
    assert p.kind == "status" and p.status.code == "03"
    assert p.status.response_for.promulgation_date == date(2026, 12, 1)
    # A status inside a MessageHeader (the axis SDK's samples).
    p = edxml.parse((PACKAGES / "status-in-messageheader.edxml").read_bytes())
    assert p.kind == "status" and p.status.code == "05" and p.status.staff.staff == "Phạm Văn D"
    # Stray bytes before the XML and an undeclared xlink prefix: repaired, with warnings.
    p = edxml.parse((PACKAGES / "stray-bytes-undeclared-prefix.edxml").read_bytes())
    assert p.message.code_notation == "BTN-VP" and len(p.warnings) == 2
    # RSA-SHA1, unprefixed <Signature> made by xmlsec1: holds, signer not trusted.
    data = (PACKAGES / "signed-rsa-sha1.edxml").read_bytes()
    check = edxml.verify(data)
    assert check.label == "valid-untrusted" and check.algorithm.endswith("rsa-sha1")
    assert edxml.parse(data).message.signer.full_name == "Lê Thị Ký"
    tampered = data.replace("Lê Thị Ký".encode(), "Lê Thị Giả".encode())
    assert edxml.verify(tampered).label == "invalid"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<edXML><unclosed>", "not well-formed"),
        (b"<edXML/>", "neither a MessageHeader nor a Status"),
        ((PACKAGES / "unusable-no-subject.edxml").read_bytes(), "subject"),
        (
            (PACKAGES / "noprefix-dmy-dates.edxml")
            .read_bytes()
            .replace(b"<ContentTransferEncoded>", b"<ContentTransferEncoded>%%%"),
            "not valid base64",
        ),
        (
            (PACKAGES / "noprefix-dmy-dates.edxml")
            .read_bytes()
            .replace(b"30/11/2026</PromulgationDate>", b"yesterday</PromulgationDate>"),
            "document date",
        ),
    ],
)
def test_unusable_packages_are_refused_with_a_reason(data, reason):
    with pytest.raises(edxml.PackageRefused, match=reason):
        edxml.parse(data)
