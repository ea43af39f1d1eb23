"""What verification reports for expired, revoked and untrusted certificates, and where the
images land on the rendered page (Decree 30/2020, Phụ lục I)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from PIL import Image, ImageChops
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from lienthong.signatures import engine, services
from lienthong.signatures.constants import NUMBER_FIELD

from . import pki as pki_module
from .conftest import PASS


def _signed_raw(pki, label: str, issuer: str = "interm") -> bytes:
    """The PDF signed directly by pyHanko with a test certificate (no credential checks)."""
    key = pki.arch.key_set.get_private_key(pki_module.KeyLabel(label))
    signer = signers.SimpleSigner(
        signing_cert=pki.cert(label),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([pki.cert(issuer)]),
    )
    placement = engine.Placement("Sig", 0, (300, 100, 500, 160), engine.text_style("Ký bởi"))
    return engine.sign(
        pki_module.decision_pdf(),
        signer=signer,
        placement=placement,
        reason="",
        location="",
        timestamper=None,
    )


def test_expired_certificate_is_reported_expired(pki, trusted):
    report = services.verify_pdf(_signed_raw(pki, "expired"))
    assert report.status == "invalid"
    assert report.signatures[0].problems == ["expired"]


def test_revoked_certificate_is_reported_revoked(pki, trusted):
    report = services.verify_pdf(_signed_raw(pki, "revoked"))
    assert report.status == "invalid"
    assert "revoked" in report.signatures[0].problems


def test_untrusted_root_is_reported_untrusted(pki, trusted):
    report = services.verify_pdf(_signed_raw(pki, "stranger", issuer="other-root"))
    assert report.status == "untrusted"  # intact, from a CA not on our list: not "invalid"
    assert report.signatures[0].problems == ["untrusted"]
    assert report.signatures[0].intact


def test_the_same_signature_is_valid_once_its_root_is_trusted(pki, trusted):
    services.add_trusted_certificate(actor=None, data=pki.pem("other-root"))
    report = services.verify_pdf(_signed_raw(pki, "stranger", issuer="other-root"))
    assert report.status == "valid"


def test_an_unsigned_pdf_and_rubbish_are_told_apart(pki, trusted):
    assert services.verify_pdf(pki_module.decision_pdf()).status == "unsigned"
    assert services.verify_pdf(b"not a pdf").status == "unreadable"


def _render(data: bytes, tmp_path: Path, dpi: int = 72) -> Image.Image:
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def _bbox(page: Image.Image, **limits: tuple[int, int]) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1 in pixels, y downwards) of the pixels whose channels r, g, b lie
    within the given (low, high) limits."""
    channels = dict(zip("rgb", page.split(), strict=True))
    mask = Image.new("L", page.size, 255)
    for name, (low, high) in limits.items():
        inside = channels[name].point(lambda v, lo=low, hi=high: 255 if lo <= v <= hi else 0)
        mask = ImageChops.multiply(mask, inside)
    box = mask.getbbox()
    assert box is not None
    return box[0], box[1], box[2] - 1, box[3] - 1


def test_images_are_where_the_decree_puts_them(pki, org, creds, tmp_path):
    pdf = pki_module.decision_pdf()
    personal = services.sign_personal(
        actor=org.director,
        data=pdf,
        secret=PASS,
        signer_name="Nguyễn Văn Giám",
        position="Giám đốc",
    )
    issued = services.apply_agency_signature(
        agency=org.stp, actor=org.clerk, data=personal, secret=PASS, number_and_symbol="12/QĐ-STP"
    )
    page = _render(issued, tmp_path)  # 72 dpi: one pixel per PDF point
    if os.environ.get("LIENTHONG_KEEP_RENDER"):
        page.save(os.environ["LIENTHONG_KEEP_RENDER"])
    height = page.height
    bx0, by0, bx1, by1 = _bbox(page, b=(121, 255), r=(0, 89), g=(0, 109))  # blue signature
    rx0, ry0, rx1, ry1 = _bbox(page, r=(151, 255), g=(0, 89), b=(0, 89))  # red seal
    _w, _h, words = engine.page_words(pdf, 0)
    name = engine.find_phrase(words, "Nguyễn Văn Giám")
    position = engine.find_phrase(words, "GIÁM ĐỐC", last=True)
    assert name is not None and position is not None
    # The handwritten signature: between the position line and the name, centred on the name.
    assert by0 > height - position[1] - 2  # below the position line (image rows grow downwards)
    assert by1 < height - name[3] + 2  # above the name
    # (moved aside, if need be, to keep the seal off the position line and the name)
    assert abs((bx0 + bx1) / 2 - (name[0] + name[2]) / 2) < 30
    # The seal: to the left, covering about a third of the signature (test_layout.py measures
    # it against the image's box).
    boxes = engine.signature_boxes(engine.open_pdf(issued))
    assert rx0 < bx0 < rx1 < bx1  # the red seal starts left of the blue signature, overlaps it
    overlap = (rx1 - bx0) / (bx1 - bx0)
    assert 0.15 < overlap < 0.5
    # Seal at the signature's height.
    assert abs((ry0 + ry1) / 2 - (by0 + by1) / 2) < 15
    # The number and the date were stamped on page 1 right after “Số:” and “ngày”, in black.
    label = engine.find_phrase(words, "Số:")
    day = engine.find_phrase(words, "ngày")
    assert label is not None and day is not None
    for field, word in ((f"{NUMBER_FIELD}-So", label), (f"{NUMBER_FIELD}-Ngay", day)):
        x0, y0, x1, y1 = boxes[field]
        assert word[2] <= x0 < word[2] + 40 and word[1] - 1 <= y0 < y1 <= word[3] + 1
        inside = page.crop((int(x0), int(height - y1), int(x1), int(height - y0))).convert("L")
        assert inside.getextrema()[0] < 100  # text drawn there


def test_annex_signature_is_text_at_the_top_right_of_page_one(pki, org, creds, tmp_path):
    annex = services.apply_agency_signature(
        agency=org.stp,
        actor=org.clerk,
        data=pki_module.decision_pdf(),
        secret=PASS,
        number_and_symbol="12/QĐ-STP",
        appendix=True,
    )
    words = engine.page_words(annex, 0)
    number = engine.find_phrase(words[2], "12/QĐ-STP")
    assert number is not None
    assert number[0] > words[0] / 2 and number[1] > words[1] * 0.8  # top right quarter
    assert services.verify_pdf(annex).status == "valid"
