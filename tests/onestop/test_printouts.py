"""The printed forms: A5 (Mẫu 01-05) and A4 landscape (Mẫu 06), with the national header, the
dossier code in text and as a QR code, rendered to PNG with pdftoppm as a person would see them.
Set ONESTOP_FORMS_DIR to keep the PNGs for looking at them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from lienthong.onestop import printouts, services
from tests.onestop.conftest import filed_online, pdf_file, vn

pytestmark = pytest.mark.django_db

A5 = (419.53, 595.28)  # points
A4_LANDSCAPE = (841.89, 595.28)


def _png(pdf: bytes, out: Path, name: str) -> Image.Image:
    (out / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(out / f"{name}.pdf"), str(out / name)],
        check=True,
    )
    return Image.open(out / f"{name}.png")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    wanted = os.environ.get("ONESTOP_FORMS_DIR")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        return Path(wanted)
    return tmp_path


def test_forms_are_a5_with_header_code_and_qr(world, clock, out_dir) -> None:
    assert shutil.which("pdftoppm")
    clock.set(2026, 12, 7, 9, 0)
    dossier = filed_online(world)
    services.submit_dossier(actor=world.citizen, dossier=dossier)
    services.request_supplement(actor=world.counter, dossier=dossier, items="Giấy tờ A\nGiấy tờ B")
    services.add_component(
        actor=world.citizen,
        dossier=dossier,
        upload=pdf_file("A"),
        name="a.pdf",
        procedure_component=world.components[2],
    )
    services.resubmit_dossier(actor=world.citizen, dossier=dossier)
    clock.set(2026, 12, 7, 10, 0)
    services.receive_dossier(actor=world.counter, dossier=dossier)
    services.apologise(
        actor=world.leader,
        dossier=dossier,
        reason="Chờ xác minh",
        new_due_at=vn(2026, 12, 18, 17, 0),
    )
    dossier.refresh_from_db()
    for form in ["01", "02", "04", "05"]:
        pdf = printouts.render(dossier, form)
        image = _png(pdf, out_dir, f"mau-{form}")
        reader = PdfReader(io.BytesIO(pdf))
        box = reader.pages[0].mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A5, form
        text = " ".join(reader.pages[0].extract_text().split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert dossier.rules.form_title(printouts.FORM_KINDS[form]) in text
        assert dossier.code in text
        assert image.size[0] < image.size[1]  # portrait
    text01 = " ".join(
        PdfReader(io.BytesIO(printouts.render(dossier, "01"))).pages[0].extract_text().split()
    )
    assert "10 giờ 00 phút, ngày 07 tháng 12 năm 2026" in text01  # received
    assert "10 giờ 00 phút, ngày 14 tháng 12 năm 2026" in text01  # appointment
    # The QR code is a real QR symbol of the code (segno builds it from the same text).
    assert "<svg" in printouts.qr_svg(dossier.code) and dossier.code


def test_tracking_book_is_a4_landscape(world, clock, out_dir) -> None:
    clock.set(2026, 12, 7, 9, 0)
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    services.receive_dossier(actor=world.counter, dossier=dossier)
    pdf = printouts.render_book(world.dept, 2026, 12)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_LANDSCAPE
    assert dossier.code in reader.pages[0].extract_text()
    _png(pdf, out_dir, "mau-06")
