"""Signature appearances laid out as Decree 30/2020 Phụ lục I shows, on five real-looking
documents: each is signed by the director, stamped with its number and date and sealed by the
clerk, then every page is rendered with poppler and measured: the appearance boxes (signature
widgets, read with pypdf), the handwritten image's box (read from the personal appearance's
content), the page's words (`pdftotext -bbox`) and the rendered pixels."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.generic import ContentStream

from lienthong.signatures import services
from lienthong.signatures.constants import AGENCY_FIELD, NUMBER_FIELD, PERSONAL_FIELD

from . import layouts
from .conftest import PASS

Box = tuple[float, float, float, float]  # PDF points, origin bottom left
NUMBER = "27/QĐ-STP"
DOTS = re.compile(r"^[.…_]*$|[.…_]{3,}")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class Word:
    text: str
    box: Box


def words_of(data: bytes, page: int, tmp_path: Path) -> tuple[float, float, list[Word]]:
    pdf = tmp_path / "words.pdf"
    pdf.write_bytes(data)
    html = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    width, height = (
        float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', html).groups()
    )
    words = [
        Word(_nfc(t), (float(x0), height - float(y1), float(x1), height - float(y0)))
        for x0, y0, x1, y1, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            html,
        )
    ]
    return width, height, words


def overlap(a: Box, b: Box, slack: float = 0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def inside(a: Box, b: Box, slack: float = 0.5) -> bool:
    return (
        a[0] >= b[0] - slack
        and a[1] >= b[1] - slack
        and a[2] <= b[2] + slack
        and a[3] <= b[3] + slack
    )


@dataclass
class Widget:
    name: str
    page: int
    box: Box
    annotation: object


def widgets(data: bytes) -> list[Widget]:
    reader = PdfReader(io.BytesIO(data))
    out = []
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            field = annot if "/T" in annot else annot["/Parent"].get_object()
            if field.get("/FT") != "/Sig":
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            out.append(Widget(str(field["/T"]), index, box, annot))
    return out


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    g, h, i, j, k, l_ = n
    return [
        a * g + b * i,
        a * h + b * j,
        c * g + d * i,
        c * h + d * j,
        e * g + f * i + k,
        e * h + f * j + l_,
    ]


def image_boxes(xobject, ctm: list[float]) -> list[Box]:
    """The boxes of the images drawn by a form XObject, in the coordinates `ctm` maps to."""
    boxes: list[Box] = []
    stack: list[list[float]] = []
    resources = xobject.get("/Resources", {})
    xobjects = resources.get("/XObject", {}) if resources else {}
    for operands, operator in ContentStream(xobject, None).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif operator == b"Do":
            target = xobjects[operands[0]].get_object()
            if target["/Subtype"] == "/Image":
                xs = [ctm[4], ctm[0] + ctm[4], ctm[2] + ctm[4], ctm[0] + ctm[2] + ctm[4]]
                ys = [ctm[5], ctm[1] + ctm[5], ctm[3] + ctm[5], ctm[1] + ctm[3] + ctm[5]]
                boxes.append((min(xs), min(ys), max(xs), max(ys)))
            else:
                matrix = [float(v) for v in target.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                boxes += image_boxes(target, _multiply(matrix, ctm))
    return boxes


def personal_image_box(widget: Widget) -> Box:
    appearance = widget.annotation["/AP"]["/N"].get_object()
    x0, y0, x1, y1 = (float(v) for v in appearance["/BBox"])
    bx0, by0 = min(x0, x1), min(y0, y1)
    ctm = [1, 0, 0, 1, widget.box[0] - bx0, widget.box[1] - by0]
    (box,) = image_boxes(appearance, ctm)
    return box


def render(data: bytes, page: int, tmp_path: Path, name: str) -> Image.Image:
    """One page at 72 dpi (a pixel per point); kept in $LIENTHONG_KEEP_LAYOUTS if set."""
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    stem = tmp_path / f"{name}-p{page + 1}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "72",
            "-f",
            str(page + 1),
            "-l",
            str(page + 1),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    keep = os.environ.get("LIENTHONG_KEEP_LAYOUTS")
    if keep:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                str(page + 1),
                "-l",
                str(page + 1),
                "-singlefile",
                str(pdf),
                str(Path(keep) / stem.name),
            ],
            check=True,
        )
        shutil.copy(pdf, Path(keep) / pdf.name)
    return Image.open(f"{stem}.png").convert("RGB")


def ink(page: Image.Image, box: Box | None = None, **limits: tuple[int, int]) -> Box | None:
    """Box (PDF points) of the pixels whose r, g, b lie within the limits, within `box`."""
    channels = dict(zip("rgb", page.split(), strict=True))
    mask = Image.new("L", page.size, 255)
    for name, (low, high) in limits.items():
        mask = ImageChops.multiply(
            mask, channels[name].point(lambda v, lo=low, hi=high: 255 if lo <= v <= hi else 0)
        )
    if box is not None:
        clip = Image.new("L", page.size, 0)
        top = page.height - box[3]
        clip.paste(255, (int(box[0]), int(top), int(box[2]) + 1, int(page.height - box[1]) + 1))
        mask = ImageChops.multiply(mask, clip)
    found = mask.getbbox()
    if found is None:
        return None
    return (found[0], page.height - found[3], found[2], page.height - found[1])


RED = {"r": (151, 255), "g": (0, 89), "b": (0, 89)}
BLUE = {"r": (0, 89), "g": (0, 109), "b": (121, 255)}
DARK = {"r": (0, 90), "g": (0, 90), "b": (0, 90)}


def sign_all(layout: layouts.Layout, org) -> tuple[bytes, bytes, bytes]:
    original = layouts.pdf(layout)
    personal = services.sign_personal(
        actor=org.director,
        data=original,
        secret=PASS,
        signer_name=layouts.SIGNER,
        position=layout.position,
    )
    issued = services.apply_agency_signature(
        agency=org.stp,
        actor=org.clerk,
        data=personal,
        secret=PASS,
        number_and_symbol=NUMBER,
        issued_date=date(2026, 12, 5),
    )
    return original, personal, issued


@pytest.mark.parametrize("make", layouts.ALL, ids=lambda f: f.__name__)
def test_appearances_are_laid_out_as_the_decree_shows(make, pki, org, creds, tmp_path):
    layout = make()
    original, _personal, issued = sign_all(layout, org)

    # The signatures are intact and the number/date stamp is an allowed change for the first.
    vc = ValidationContext(trust_roots=[pki.cert("root")], allow_fetching=True)
    reader = PdfFileReader(io.BytesIO(issued))
    statuses = [validate_pdf_signature(s, vc) for s in reader.embedded_signatures]
    assert [s.bottom_line for s in statuses] == [True, True]
    assert statuses[0].modification_level.name in {"LTA_UPDATES", "FORM_FILLING"}
    assert services.verify_pdf(issued).status == "valid"

    found = {w.name: w for w in widgets(issued)}
    personal, seal = found[PERSONAL_FIELD], found[AGENCY_FIELD]
    stamps = [w for w in found.values() if w.name.startswith(NUMBER_FIELD)]
    assert personal.page == seal.page == layout.signer_page
    assert {w.page for w in stamps} == {0}

    # The personal signature sits between the position line and the signer's name.
    _w, _h, before = words_of(original, personal.page, tmp_path)
    parts = layouts.SIGNER.split()
    start = max(
        i
        for i in range(len(before) - len(parts) + 1)
        if [w.text for w in before[i : i + len(parts)]] == parts
    )
    names = before[start : start + len(parts)]
    name_top = max(w.box[3] for w in names)
    name_x = (min(w.box[0] for w in names) + max(w.box[2] for w in names)) / 2
    position_bottom = min(
        w.box[1] for w in before if w.text == layout.position.split()[-1] and w.box[1] > name_top
    )
    image = personal_image_box(personal)
    assert name_top - 1 <= image[1] and image[3] <= position_bottom + 1
    assert abs((image[0] + image[2]) / 2 - name_x) < 60  # over the name, give or take

    # The seal: real size (35-42 mm), over the left 25-40 % of the handwritten image.
    diameter_mm = (seal.box[2] - seal.box[0]) / 72 * 25.4
    assert 35 <= diameter_mm <= 42
    assert seal.box[0] < image[0]
    covered = (seal.box[2] - image[0]) / (image[2] - image[0])
    assert 0.25 <= covered <= 0.40, covered
    assert seal.box[1] < (image[1] + image[3]) / 2 < seal.box[3]

    # No other pair of appearance boxes overlaps.
    on_page = [w for w in found.values() if w.page == personal.page]
    for i, a in enumerate(on_page):
        for b in on_page[i + 1 :]:
            if {a.name, b.name} != {PERSONAL_FIELD, AGENCY_FIELD}:
                assert not overlap(a.box, b.box), (a.name, b.name)

    # No appearance box covers the page's text, except the blanks the stamps fill in.
    for page in sorted({w.page for w in found.values()}):
        _w, _h, text = words_of(original, page, tmp_path)
        for widget in (w for w in found.values() if w.page == page):
            for word in text:
                if overlap(widget.box, word.box):
                    assert widget.name.startswith(NUMBER_FIELD), (widget.name, word)
                    assert DOTS.search(word.text), (widget.name, word)

    # The signer's name and signing time are in the personal appearance, clear of the seal.
    _w, _h, after = words_of(issued, personal.page, tmp_path)
    own = [w for w in after if inside(w.box, personal.box) and not overlap(w.box, image)]
    joined = " ".join(w.text for w in own)
    assert f"Ký bởi: {layouts.SIGNER}" in joined and "Thời gian ký:" in joined
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", joined)
    for word in own:
        assert not overlap(word.box, seal.box, slack=0), word

    # The rendered page shows it: the red seal inside its box and over the image's left part,
    # the blue signature inside the image's box, the personal text in dark ink, not red.
    page = render(issued, personal.page, tmp_path, layout.name)
    red = ink(page, **RED)
    blue = ink(page, **BLUE)
    assert red is not None and blue is not None
    assert inside(red, seal.box, 1.5) and inside(blue, image, 1.5)
    assert red[0] < blue[0] < red[2] < blue[2]
    text_box = (
        min(w.box[0] for w in own),
        min(w.box[1] for w in own),
        max(w.box[2] for w in own),
        max(w.box[3] for w in own),
    )
    assert ink(page, text_box, **DARK) is not None
    assert ink(page, text_box, **RED) is None

    # The number and the date, written into their blanks on page 1.
    _w, _h, first = words_of(issued, 0, tmp_path)
    _w, _h, blank = words_of(original, 0, tmp_path)
    label = next(w for w in blank if w.text.startswith("Số:"))

    def on_line_of(anchor: Word, text: str) -> Word:
        return next(w for w in blank if text in w.text and abs(w.box[1] - anchor.box[1]) < 3)

    symbol = on_line_of(label, layout.symbol)
    day_label = next(w for w in blank if w.text == "ngày")
    month_label = on_line_of(day_label, "tháng")
    year_label = on_line_of(day_label, "năm")

    def written(text: str, after: Box, before: float) -> bool:
        """`text` stamped on the line of `after`, right of it and left of `before`."""
        return any(
            w.text == text
            and after[2] - 1 <= w.box[0]
            and w.box[2] <= before + 1
            and abs(w.box[1] - after[1]) < 4
            for w in first
        )

    # Where the printed symbol starts, in a word like "........../QĐ-STP".
    share = len(layout.symbol) / len(symbol.text)
    symbol_start = symbol.box[2] - share * (symbol.box[2] - symbol.box[0])
    assert written("27", label.box, symbol_start)
    assert not any("27/QĐ-STP" in w.text for w in first)  # the printed symbol is not repeated
    assert written("05", day_label.box, month_label.box[0])
    assert written("12", month_label.box, year_label.box[0])
    # The year: printed, or written after the printed "20" of "năm 20......".
    assert any("2026" in w.text and abs(w.box[1] - day_label.box[1]) < 4 for w in first) or (
        written("26", year_label.box, year_label.box[2] + 60)
    )
    # Transparent: the dotted blanks still show under the figures.
    first_page = render(issued, 0, tmp_path, f"{layout.name}-first")
    for stamp in stamps:
        assert ink(first_page, stamp.box, **DARK) is not None, stamp.name
        x0, y0, x1, y1 = (int(v) for v in stamp.box)
        pixels = first_page.crop((x0, first_page.height - y1, x1, first_page.height - y0))
        assert pixels.convert("L").getextrema()[1] > 240  # white paper shows: no fill


def test_without_a_name_block_the_signature_goes_under_the_last_text(pki, org, creds, tmp_path):
    """Fallback: a page that does not name the signer gets the signature bottom right, under
    its text, still clear of it and with the seal over the image's left part."""
    layout = layouts.two_column()
    html = layout.html.replace(layouts.SIGNER, "Chữ ký")
    from weasyprint import HTML

    original = HTML(string=html).write_pdf()
    signed = services.sign_personal(
        actor=org.director, data=original, secret=PASS, signer_name=layouts.SIGNER
    )
    found = {w.name: w for w in widgets(signed)}
    personal, seal = found[PERSONAL_FIELD], found[AGENCY_FIELD]  # the seal's place, reserved
    width, _h, text = words_of(original, 0, tmp_path)
    assert (personal.box[0] + personal.box[2]) / 2 > width / 2
    for word in text:
        assert not overlap(personal.box, word.box) and not overlap(seal.box, word.box), word
    image = personal_image_box(personal)
    assert 0.25 <= (seal.box[2] - image[0]) / (image[2] - image[0]) <= 0.40


def test_without_images_the_seal_text_never_covers_the_signers_text(pki, org, trusted, tmp_path):
    """Credentials on file without a handwritten image or a seal image: the appearances are
    text, and the agency's (its name, the time) stays off the person's (name, time)."""
    from lienthong.signatures.constants import CredentialKind

    from .conftest import put_on_file

    put_on_file(
        pki, label="director", kind=CredentialKind.PERSONAL, agency=org.stp, user=org.director
    )
    put_on_file(pki, label="agency", kind=CredentialKind.AGENCY, agency=org.stp)
    _original, _personal, issued = sign_all(layouts.two_column(), org)
    assert services.verify_pdf(issued).status == "valid"
    found = {w.name: w for w in widgets(issued)}
    personal, seal = found[PERSONAL_FIELD], found[AGENCY_FIELD]
    _w, _h, after = words_of(issued, personal.page, tmp_path)
    own = [w for w in after if inside(w.box, personal.box) and not inside(w.box, seal.box)]
    joined = " ".join(w.text for w in own)
    assert f"Ký bởi: {layouts.SIGNER}" in joined and "Thời gian ký:" in joined
    sealed = [w for w in after if inside(w.box, seal.box, 2)]
    assert any("Sở Tư pháp" in w.text for w in sealed)
    for word in own:
        assert not overlap(word.box, seal.box, slack=0), word
    for word in sealed:
        assert not any(overlap(word.box, mine.box, slack=0) for mine in own), word
