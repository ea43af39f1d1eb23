"""The PDF side of signing and verifying, through pyHanko: where the appearances go (Decree
30/2020, Phụ lục I: the personal signature between the position line and the signer's name,
found by text position on whichever page carries it, as an image region and a text region; the
seal at its real diameter over the left third of the image, its place reserved when the person
signs; annex signatures top right of page 1 without image), the number and date written into
the “Số:” and “ngày … tháng … năm …” blanks before the agency signs, and the verification report.

Nothing here touches the database: services.py decides who signs what with which key."""

from __future__ import annotations

import asyncio
import io
import re
import ssl
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from html import unescape
from typing import TypeVar

import aiohttp
import certifi
from asn1crypto import x509
from django.conf import settings
from fontTools import subset, ttLib
from PIL import Image, ImageFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import (
    AxisAlignment,
    InnerScaling,
    Margins,
    SimpleBoxLayoutRule,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, append_signature_field
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import Fetchers
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from .certificates import CertificateDetails
from .constants import (
    BLANK_IMAGE_MM,
    MAX_SHIFT_PT,
    MM,
    NUMBER_FIELD,
    SEAL_DIAMETER_MM,
    SEAL_OVER_IMAGE,
    SIGNATURE_TEXT_SIZE,
    SignatureProblem,
)

T = TypeVar("T")
Box = tuple[float, float, float, float]  # llx, lly, urx, ury in PDF points


class PdfProblem(ValueError):
    """The PDF cannot be signed as asked (encrypted, unreadable, wrong signing order)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# --- Reading the PDF ------------------------------------------------------------------------------


def open_pdf(data: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
    except Exception as exc:  # pyHanko raises many types on malformed input
        raise PdfProblem("unreadable", "bad_pdf") from exc
    if encrypted:
        raise PdfProblem("encrypted", "encrypted_pdf")
    return reader


@dataclass(frozen=True)
class Word:
    text: str
    box: Box  # PDF coordinates (origin bottom left)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def page_words(data: bytes, page: int) -> tuple[float, float, list[Word]]:
    """The words of one page (0-based) with their boxes, read by poppler's pdftotext."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own temp file
            ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", tmp.name, "-"],  # noqa: S607
            capture_output=True,
            timeout=60,
            check=False,
        )
    html = result.stdout.decode("utf-8", "replace")
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    if size is None:
        return 0.0, 0.0, []
    width, height = float(size.group(1)), float(size.group(2))
    words = [
        Word(
            unescape(m.group(5)),
            (
                float(m.group(1)),
                height - float(m.group(4)),
                float(m.group(3)),
                height - float(m.group(2)),
            ),
        )
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            html,
        )
    ]
    return width, height, words


def find_phrase(words: Sequence[Word], phrase: str, *, last: bool = False) -> Box | None:
    """The box around the first (or last) run of consecutive words spelling `phrase`."""
    wanted = [_norm(w) for w in phrase.split()]
    if not wanted:
        return None
    found: Box | None = None
    for i in range(len(words) - len(wanted) + 1):
        run = words[i : i + len(wanted)]
        if [_norm(w.text) for w in run] == wanted:
            box = (
                min(w.box[0] for w in run),
                min(w.box[1] for w in run),
                max(w.box[2] for w in run),
                max(w.box[3] for w in run),
            )
            if not last:
                return box
            found = box
    return found


def page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def signature_boxes(reader: PdfFileReader) -> dict[str, Box]:
    """Field name → widget rectangle of every signature field of the PDF."""
    boxes: dict[str, Box] = {}
    form = reader.root.get("/AcroForm")
    if form is None:
        return boxes
    for ref in form.get_object().get("/Fields", []):
        fld = ref.get_object()
        if fld.get("/FT") != "/Sig":
            continue
        rect = fld.get("/Rect")
        if rect is None and "/Kids" in fld:
            rect = fld["/Kids"][0].get_object().get("/Rect")
        if rect is not None:
            llx, lly, urx, ury = (float(v) for v in rect)
            boxes[str(fld.get("/T"))] = (min(llx, urx), min(lly, ury), max(llx, urx), max(lly, ury))
    return boxes


# --- Where the appearances go ---------------------------------------------------------------------
#
# Phụ lục I of Decree 30/2020: the competent person's signature between the position line
# (“GIÁM ĐỐC”, “KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC”) and their full name; the agency's seal at its real
# size over the left third of the handwritten signature. The personal appearance is two regions
# side by side (or one above the other when the column is narrow): the image, and the signer's
# name with the signing time, kept clear of the seal. The seal's place is reserved as an empty
# signature field when the person signs, so the clerk's seal lands exactly there later.


def image_size(png: bytes, width_pt: float) -> tuple[float, float]:
    with Image.open(io.BytesIO(png)) as image:
        w, h = image.size
    return width_pt, width_pt * h / w


def _overlaps(a: Box, b: Box, slack: float = 0.0) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def _text_width(text: str, size: float, italic: bool = False) -> float:
    path = settings.LIENTHONG_SIGNATURE_FONT_ITALIC if italic else settings.LIENTHONG_SIGNATURE_FONT
    return float(_measure(path).getlength(text)) * size / 1000


@lru_cache(maxsize=4)
def _measure(path: str):
    return ImageFont.truetype(path, 1000)


@dataclass(frozen=True)
class PersonalLayout:
    """Where the personal signature and, later, the seal go (PDF points, page 0-based)."""

    page: int
    widget: Box  # the personal signature field's rectangle
    image: Box  # the handwritten image's region inside it
    text: Box  # the signer's name and signing time, inside it, clear of the seal
    seal: Box  # the seal's square


def _page_size(reader: PdfFileReader, page: int) -> tuple[float, float]:
    box = _pages_of(reader)[page].get("/MediaBox", [0, 0, 595, 842])
    return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def _pages_of(reader: PdfFileReader) -> list[generic.DictionaryObject]:
    out: list[generic.DictionaryObject] = []

    def walk(node: generic.DictionaryObject) -> None:
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid.get_object())
        else:
            out.append(node)

    walk(reader.root["/Pages"].get_object())
    return out


def _name_block(words: Sequence[Word], name: str, position: str) -> tuple[Box, float] | None:
    """The signer's name on this page (its last occurrence) and the bottom of the nearest line
    above it in the same column (the position line), or None."""
    name_box = find_phrase(words, name, last=True) if name.strip() else None
    if name_box is None:
        return None
    centre = (name_box[0] + name_box[2]) / 2
    half = max(40.0, (name_box[2] - name_box[0]) / 2)
    above = [
        w
        for w in words
        if w.box[1] >= name_box[3] - 1 and w.box[0] < centre + half and w.box[2] > centre - half
    ]
    wanted = position.split(",")[-1].strip() if position.strip() else ""
    pos_box = find_phrase(above, wanted, last=True) if wanted else None
    if pos_box is not None:
        return name_box, pos_box[1]
    if above:
        return name_box, min(w.box[1] for w in above)
    return name_box, name_box[3] + 60 * MM


def _shapes(
    image: tuple[float, float], text: tuple[float, float], diameter: float
) -> list[tuple[Box, Box, Box, Box]]:
    """Candidate arrangements relative to the image's centre at (0, 0): (widget, image, text,
    seal). First the text to the right of the image, then below it, right of the seal's edge."""
    iw, ih = image
    tw, th = text
    gap = 3.0
    seal_right = -iw / 2 + iw * SEAL_OVER_IMAGE
    seal = (seal_right - diameter, -diameter / 2, seal_right, diameter / 2)
    img = (-iw / 2, -ih / 2, iw / 2, ih / 2)
    out = []
    # A: text right of the image, vertically centred on it.
    txt = (iw / 2 + gap, -th / 2, iw / 2 + gap + tw, th / 2)
    out.append(((img[0], min(img[1], txt[1]), txt[2], max(img[3], txt[3])), img, txt, seal))
    # B: text below the image, starting right of the seal.
    left = seal_right + gap
    txt = (left, img[1] - th, left + tw, img[1])
    out.append(((img[0], txt[1], max(img[2], txt[2]), img[3]), img, txt, seal))
    return out


def _shift(box: Box, dx: float, dy: float) -> Box:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def personal_layout(
    data: bytes,
    *,
    name: str,
    position: str,
    image: tuple[float, float] | None,
    text_lines: Sequence[str],
    seal_diameter: float = SEAL_DIAMETER_MM * MM,
) -> PersonalLayout:
    """Find the name block (last page carrying the signer's name, its last occurrence) and lay
    out the personal signature and the seal in the space between the position line and the name,
    centred on the name, moved as little as needed to stay off the page's text. Without a name
    block: the right half of the last page, under its last text."""
    reader = open_pdf(data)
    pages = page_count(reader)
    iw, ih = image or (BLANK_IMAGE_MM[0] * MM, BLANK_IMAGE_MM[1] * MM)
    size = SIGNATURE_TEXT_SIZE
    tw = max(_text_width(line, size) for line in text_lines) + 6
    th = round(size * 1.25) * len(text_lines) + 6
    for page in range(pages - 1, -1, -1):
        _pw, _ph, words = page_words(data, page)
        block = _name_block(words, name, position)
        if block is None:
            continue
        name_box, top = block
        anchor = ((name_box[0] + name_box[2]) / 2, (top + name_box[3]) / 2)
        found = _place(reader, page, words, anchor, (iw, ih), (tw, th), seal_diameter)
        if found is not None:
            return found
        break
    page = pages - 1
    width, _height = _page_size(reader, page)
    _pw, _ph, words = page_words(data, page)
    lowest = min((w.box[1] for w in words), default=200.0)
    anchor = (width * 0.72, lowest - 12 - seal_diameter / 2)
    found = _place(reader, page, words, anchor, (iw, ih), (tw, th), seal_diameter, reach=400)
    if found is not None:
        return found
    widget, img, txt, seal = _shapes((iw, ih), (tw, th), seal_diameter)[0]
    dx, dy = width * 0.72, 20 * MM + seal_diameter / 2
    return _whole_points(
        PersonalLayout(
            page,
            _shift(widget, dx, dy),
            _shift(img, dx, dy),
            _shift(txt, dx, dy),
            _shift(seal, dx, dy),
        )
    )


def _place(
    reader: PdfFileReader,
    page: int,
    words: Sequence[Word],
    anchor: tuple[float, float],
    image: tuple[float, float],
    text: tuple[float, float],
    diameter: float,
    *,
    reach: float = MAX_SHIFT_PT,
) -> PersonalLayout | None:
    """The arrangement closest to `anchor` whose boxes stay on the page (10 mm margins) and off
    every word; the image shrinks down to 70 % when nothing fits at full size."""
    width, height = _page_size(reader, page)
    margin = 10 * MM
    near = [w.box for w in words if abs((w.box[1] + w.box[3]) / 2 - anchor[1]) < reach + 120]
    steps = sorted(
        ((dx, dy) for dx in range(-int(reach), int(reach) + 1, 4) for dy in range(-90, 91, 3)),
        key=lambda d: abs(d[0]) + 2 * abs(d[1]),
    )
    if reach > MAX_SHIFT_PT:  # no name block: search downwards and upwards on the whole page
        steps = sorted(
            ((dx, dy) for dx in range(-200, 201, 8) for dy in range(-int(reach), int(reach), 6)),
            key=lambda d: abs(d[0]) + abs(d[1]),
        )
    for scale in (1.0, 0.85, 0.7):
        shapes = _shapes((image[0] * scale, image[1] * scale), text, diameter)
        for dx, dy in steps:  # the least shift first, text right of the image when both fit
            x, y = anchor[0] + dx, anchor[1] + dy
            for widget, img, txt, seal in shapes:
                boxes = (_shift(widget, x, y), _shift(seal, x, y))
                if any(
                    b[0] < margin
                    or b[1] < margin
                    or b[2] > width - margin
                    or b[3] > height - margin
                    for b in boxes
                ):
                    continue
                if any(_overlaps(b, w, -1.0) for b in boxes for w in near):
                    continue
                return _whole_points(
                    PersonalLayout(page, boxes[0], _shift(img, x, y), _shift(txt, x, y), boxes[1])
                )
    return None


def _whole_points(found: PersonalLayout) -> PersonalLayout:
    """The same layout on whole points: field rectangles are written in integers."""
    return PersonalLayout(
        found.page,
        _ints(found.widget),
        _ints(found.image),
        _ints(found.text),
        _ints(found.seal),
    )


def personal_box(
    data: bytes, *, name: str, position: str, width_pt: float, height_pt: float
) -> tuple[int, Box]:
    """The personal signature's field rectangle (image and text) and its page."""
    found = personal_layout(
        data, name=name, position=position, image=(width_pt, height_pt), text_lines=[name]
    )
    return found.page, found.widget


def personal_style(png: bytes | None, found: PersonalLayout, text: str) -> TextStampStyle:
    """The personal appearance: the image in its region, the text (which may hold pyHanko's
    `%(ts)s`, the signing time) in its own, left-aligned and never scaled."""
    wx0, wy0, wx1, wy1 = _ints(found.widget)
    ix0, iy0, ix1, iy1 = _ints(found.image)
    tx0, ty0, tx1, ty1 = _ints(found.text)
    background = PdfImage(_image(png)) if png else None
    return TextStampStyle(
        stamp_text=text,
        timestamp_format="%d/%m/%Y %H:%M:%S %z",
        text_box_style=TextBoxStyle(
            font=_font(text=text),
            font_size=SIGNATURE_TEXT_SIZE,
            leading=round(SIGNATURE_TEXT_SIZE * 1.25),
            box_layout_rule=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(0, 0, 0, 0),
            ),
        ),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=tx0 - wx0 + 1, right=wx1 - tx1, top=wy1 - ty1, bottom=ty0 - wy0),
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT,
        ),
        background=background,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=ix0 - wx0, right=wx1 - ix1, top=wy1 - iy1, bottom=iy0 - wy0),
            inner_content_scaling=InnerScaling.STRETCH_FILL,
        ),
        background_opacity=1.0,
        border_width=0,
    )


def seal_box(personal: Box, diameter_pt: float) -> Box:
    """The seal over the left third of a personal signature whose layout we did not make (no
    reserved seal field): the signature's widget taken as its image."""
    llx, lly, urx, ury = personal
    right = llx + (urx - llx) * SEAL_OVER_IMAGE
    middle = (lly + ury) / 2
    return (right - diameter_pt, middle - diameter_pt / 2, right, middle + diameter_pt / 2)


def reserved_field(reader: PdfFileReader, name: str) -> tuple[int, Box] | None:
    """Page and rectangle of an empty signature field named `name`, if the PDF has one."""
    form = reader.root.get("/AcroForm")
    if form is None:
        return None
    pages = _pages_of(reader)
    for ref in form.get_object().get("/Fields", []):
        fld = ref.get_object()
        if fld.get("/FT") != "/Sig" or str(fld.get("/T")) != name or "/V" in fld:
            continue
        widget = fld["/Kids"][0].get_object() if "/Kids" in fld else fld
        rect = widget.get("/Rect")
        page_ref = widget.get("/P")
        if rect is None:
            continue
        llx, lly, urx, ury = (float(v) for v in rect)
        index = len(pages) - 1
        if page_ref is not None:
            target = page_ref.get_object()
            index = next((i for i, p in enumerate(pages) if p is target or p == target), index)
        return index, (min(llx, urx), min(lly, ury), max(llx, urx), max(lly, ury))
    return None


def appendix_box(data: bytes) -> Box:
    """Top right of page 1, for annexes in separate files and electronic copies."""
    reader = open_pdf(data)
    first = reader.root["/Pages"]["/Kids"][0].get_object()
    box = first.get("/MediaBox", [0, 0, 595, 842])
    width, height = float(box[2]), float(box[3])
    margin = 20 * MM
    return (width - margin - 200, height - 15 * MM - 36, width - margin, height - 15 * MM)


# --- Stamps ---------------------------------------------------------------------------------------


# The characters of Vietnamese in Latin script and the punctuation of official documents: what
# a signer's name, a number and symbol, a date or an agency's name is written in.
_VIETNAMESE = frozenset(
    [
        *range(0x20, 0x7F),  # ASCII
        *range(0xA0, 0x100),  # Latin-1: À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý …
        *(0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169),  # Ă ă Đ đ Ĩ ĩ Ũ ũ
        *(0x1A0, 0x1A1, 0x1AF, 0x1B0),  # Ơ ơ Ư ư
        *(0x300, 0x301, 0x303, 0x309, 0x323),  # the five tone marks, combining
        *range(0x1EA0, 0x1EFA),  # Ạ … ỹ: the precomposed letters with tone marks
        *(0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x20AB, 0x2116),
    ]
)


@lru_cache(maxsize=4)
def _reduced_font(path: str) -> tuple[bytes, frozenset[int]]:
    """The font at `path` cut, once per process, to the Vietnamese repertoire, without its
    OpenType layout tables (pyHanko drops them from what it embeds anyway): embedding a subset
    of this program takes a few milliseconds where the whole Noto Serif takes about half a
    second, because fontTools reads every layout table of the source before subsetting it.
    Returns the font program and the code points it maps."""
    font = ttLib.TTFont(path)
    wanted = _VIETNAMESE & set(font.getBestCmap())
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), frozenset(font.getBestCmap())


@dataclass(frozen=True)
class ReducedFontFactory(FontEngineFactory):
    """pyHanko's glyph accumulator over the reduced font: a new engine (and subset) for each
    PDF writer, as pyHanko's own factory makes, from the font program cut once per process."""

    font_file: str
    font_size: int = 10

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: generic.StreamObject | None = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        program, _covered = _reduced_font(self.font_file)
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(program),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


def _font(italic: bool = False, text: str = "") -> FontEngineFactory:
    """The signature font for `text`: the reduced one when it holds every character (always,
    for Vietnamese), else the whole font file."""
    path = settings.LIENTHONG_SIGNATURE_FONT_ITALIC if italic else settings.LIENTHONG_SIGNATURE_FONT
    _program, covered = _reduced_font(path)
    if all(ord(ch) in covered or ch in "\r\n\t" for ch in unicodedata.normalize("NFC", text)):
        return ReducedFontFactory(path)
    return GlyphAccumulatorFactory(path)


def image_style(png: bytes) -> TextStampStyle:
    """A stamp that is only the image (no border, no text)."""
    return TextStampStyle(
        stamp_text="",  # no text: the default font is never embedded
        background=PdfImage(_image(png)),
        background_opacity=1.0,
        border_width=0,
    )


def _image(png: bytes):
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def text_style(
    text: str, *, size: float = 10, white: bool = False, italic: bool = False
) -> TextStampStyle:
    """Text only, black, Noto Serif (unitsPerEm 1000: pyHanko spaces it right), left-aligned
    and never scaled; optionally on white."""
    background = None
    if white:
        background = PdfImage(Image.new("RGB", (4, 4), (255, 255, 255)))
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=_font(italic, text),
            font_size=round(size),
            leading=round(size * 1.25),
            box_layout_rule=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(0, 0, 0, 0),
            ),
        ),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=2, right=0, top=0, bottom=0),
            inner_content_scaling=InnerScaling.NO_SCALING,
        ),
        background=background,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(0, 0, 0, 0),
            inner_content_scaling=InnerScaling.STRETCH_FILL,
        ),
        background_opacity=1.0,
        border_width=0,
    )


# The number and the date go into the blanks the drafter left: “Số: …/QĐ-UBND” and
# “…, ngày … tháng … năm 20…”. A blank is a run of dots, ellipses, underscores or spaces.
_BLANK = r"[\s.…_·]*"
_NUMBER_RE = re.compile(r"số\s*:(?P<blank>" + _BLANK + r")(?P<symbol>/\S+)?")
_DATE_RE = re.compile(
    r"ngày(?P<day>" + _BLANK + r")tháng(?P<month>" + _BLANK + r")năm(?P<year>"
    r"[\s.…_·]*(?:\d{1,3}[.…_·]+)?)"
)


@dataclass(frozen=True)
class _Line:
    """One line of words as a string with each character's estimated span (x0, x1)."""

    text: str
    spans: list[tuple[float, float]]
    lly: float
    ury: float
    height: float  # the tallest word's height: about 1.36 times the font size for Noto/Times
    # Each character's word's bottom and height (a line may join two columns set apart).
    words: list[tuple[float, float]] = field(default_factory=list)


def _lines(words: Sequence[Word]) -> list[_Line]:
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (-w.box[1], w.box[0])):
        for row in rows:
            if abs(row[0].box[1] - w.box[1]) < 2.5:
                row.append(w)
                break
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w.box[0])
        text, spans = "", []
        metrics: list[tuple[float, float]] = []
        for i, w in enumerate(row):
            if i:
                prev = row[i - 1].box[2]
                text += " "
                spans.append((prev, max(prev, w.box[0])))
                metrics.append(metrics[-1])
            chars = _norm(w.text)
            # Shares of the word's width by each character's advance in our serif font: a
            # close guess for a dot's or a digit's place inside "20....." or "…/QĐ-STP".
            advances = [
                max(_text_width(ch, 100), 1.0) for ch in unicodedata.normalize("NFC", w.text)
            ]
            if len(advances) != len(chars):
                advances = [1.0] * len(chars)
            scale = (w.box[2] - w.box[0]) / max(sum(advances), 1.0)
            x = w.box[0]
            for ch, advance in zip(chars, advances, strict=True):
                text += ch
                spans.append((x, x + advance * scale))
                x += advance * scale
                metrics.append((w.box[1], w.box[3] - w.box[1]))
        out.append(
            _Line(
                text,
                spans,
                min(w.box[1] for w in row),
                max(w.box[3] for w in row),
                max(w.box[3] - w.box[1] for w in row),
                metrics,
            )
        )
    return out


@dataclass(frozen=True)
class Fill:
    """One piece of text written into a blank: field name, text, its box, font size."""

    field_name: str
    text: str
    box: Box
    size: float


def _fill(
    line: _Line,
    start: int,
    end: int,
    text: str,
    field_name: str,
    *,
    centred: bool,
    italic: bool = False,
) -> Fill | None:
    """Put `text` into the characters [start, end) of the line, between the words around it."""
    if end <= start:
        return None
    # The blank's span, kept 1.5 pt clear of the words on each side.
    x0 = line.spans[start][0]
    x1 = line.spans[end - 1][1]
    while start < end and line.text[start].isspace():
        x0 = line.spans[start][1] if start + 1 < end else x0
        start += 1
    x0 += 1.5
    x1 -= 1.5
    # The type of the word before the blank (the label): its size and its baseline.
    bottom, height = (
        line.words[start - 1] if 0 < start <= len(line.words) else (line.lly, line.height)
    )
    font = height / 1.36
    size = min(max(font, 8.0), 14.0)
    width = _text_width(text, size, italic) + 2
    if width > x1 - x0:  # a narrow blank: smaller type, down to 7 pt
        size = max(7.0, size * (x1 - x0) / width)
        width = _text_width(text, size, italic) + 2
    if centred and width < x1 - x0:
        x0 = (x0 + x1 - width) / 2
    baseline = bottom + 0.29 * font  # Noto Serif's descent
    box = (x0, baseline - 0.05 * font, x0 + width, baseline + 0.84 * font)
    return Fill(field_name, text, box, size)


def number_and_date_fills(
    words: Sequence[Word], *, number_and_symbol: str, day: int, month: int, year: int
) -> list[Fill]:
    """Where the number and the date go on a page (its words): into the blank after “Số:”
    (only the part before a printed symbol such as “/QĐ-STP”), after “ngày”, “tháng” and, if the
    year is not printed, “năm”."""
    fills: list[Fill] = []
    for line in _lines(words):
        number = _NUMBER_RE.search(line.text)
        if number is not None and not any(f.field_name.endswith("-So") for f in fills):
            fill = _number_fill(line, number, number_and_symbol)
            if fill is not None:
                fills.append(fill)
        date = _DATE_RE.search(line.text)
        if date is not None and not any(f.field_name.endswith("-Ngay") for f in fills):
            fills.extend(_date_fills(line, date, day=day, month=month, year=year))
    return fills


def _number_fill(line: _Line, number: re.Match[str], number_and_symbol: str) -> Fill | None:
    """The number's fill on a line that holds “Số:”: the whole number in an open blank, or only
    the part before the symbol the template already prints."""
    printed = number.group("symbol") or ""
    text = number_and_symbol
    if printed:
        ours = _norm(number_and_symbol)
        text = (
            number_and_symbol[: len(ours) - len(printed)]
            if ours.endswith(printed)
            else number_and_symbol.split("/")[0]
        )
    start, end = number.span("blank")
    if not printed:  # an open blank: up to the next word, 300 pt at most
        tail = line.text[end:]
        end = end + (len(tail) - len(tail.lstrip()))
        if end <= start or line.spans[end - 1][1] - line.spans[start][0] < 20:
            end = len(line.text) if end >= len(line.text) else end
    fill = _fill(line, start, end, text.strip(), f"{NUMBER_FIELD}-So", centred=bool(printed))
    if fill is None and end >= len(line.text):
        x = line.spans[start - 1][1] + 4
        fill = _fill(
            _Line(
                line.text + " ",
                [*line.spans, (x, x + 160)],
                line.lly,
                line.ury,
                line.height,
            ),
            len(line.text),
            len(line.text) + 1,
            text.strip(),
            f"{NUMBER_FIELD}-So",
            centred=False,
        )
    return fill


def _date_fills(line: _Line, date: re.Match[str], *, day: int, month: int, year: int) -> list[Fill]:
    """The day and month fills on a line that holds “ngày … tháng … năm …”, and the year's
    when the template does not print it whole."""
    fills: list[Fill] = []
    for group, value, suffix in (
        ("day", f"{day:02d}", "Ngay"),
        ("month", f"{month:02d}", "Thang"),
    ):
        fill = _fill(
            line,
            *date.span(group),
            value,
            f"{NUMBER_FIELD}-{suffix}",
            centred=True,
            italic=True,
        )
        if fill is not None:
            fills.append(fill)
    year_fill = _year_fill(line, date, year)
    if year_fill is not None:
        fills.append(year_fill)
    return fills


def _year_fill(line: _Line, date: re.Match[str], year: int) -> Fill | None:
    """The digits of the year the blank after “năm” lacks (“20…” gets the rest), or the whole
    year after a “năm” that ends the line."""
    blank = date.group("year")
    digits = re.sub(r"\D", "", blank)
    start, end = date.span("year")
    if blank.strip() and str(year).startswith(digits):
        rest = str(year)[len(digits) :]
        first_dot = start + len(blank) - len(blank.lstrip())
        start = first_dot + len(digits)
        return _fill(line, start, end, rest, f"{NUMBER_FIELD}-Nam", centred=False, italic=True)
    if not blank.strip() and end >= len(line.text) - 1:
        # “năm” ends the line: the year after it.
        x = line.spans[start - 1][1] + 3
        extended = _Line(
            line.text + " ", [*line.spans, (x, x + 40)], line.lly, line.ury, line.height
        )
        return _fill(
            extended,
            len(line.text),
            len(line.text) + 1,
            str(year),
            f"{NUMBER_FIELD}-Nam",
            centred=False,
            italic=True,
        )
    return None


def _text_xobject(
    writer: IncrementalPdfFileWriter,
    font: FontEngine,
    text: str,
    width: float,
    height: float,
    size: float,
    baseline: float,
) -> generic.IndirectObject:
    """A form XObject with `text` in black at `baseline`, transparent everywhere else."""
    shaped = font.shape(unicodedata.normalize("NFC", text))
    content = b"BT /F1 %.2f Tf 1 0 0 1 1 %.2f Tm %s ET" % (size, baseline, shaped.graphics_ops)
    stream = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (0, 0, width, height)]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/F1"): font.as_resource()}
                    )
                }
            ),
        },
        stream_data=content,
    )
    return writer.add_object(stream)


def stamp_number_and_date(
    data: bytes,
    *,
    number_and_symbol: str,
    date_line: str,
    date_words: str = "ngày",
    day: int | None = None,
    month: int | None = None,
    year: int | None = None,
) -> bytes:
    """Write the number (ô 2) and the date (ô 4) given at issue into the blanks of page 1 as an
    incremental update that keeps the signatures before it valid: each piece goes in the
    appearance of a new, read-only signature field (the only addition pyHanko's diff policy,
    like Acrobat's, allows after signing), transparent, so the dotted blanks show under the
    figures as if filled in by hand and nothing else on the page is covered. Without blanks,
    the number and the date line go under the page's top left text."""
    _w, _h, words = page_words(data, 0)
    if day is None or month is None or year is None:
        found = re.search(r"(\d{1,2})\D+(\d{1,2})\D+(\d{4})", date_line)
        today = datetime.now()
        day, month, year = (
            (int(found.group(1)), int(found.group(2)), int(found.group(3)))
            if found
            else (today.day, today.month, today.year)
        )
    fills = number_and_date_fills(
        words, number_and_symbol=number_and_symbol, day=day, month=month, year=year
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if not fills:
        first = writer.root["/Pages"]["/Kids"][0].get_object()
        height = float(first.get("/MediaBox", [0, 0, 595, 842])[3])
        top = min((w.box[1] for w in words if w.box[0] < 300), default=height - 30 * MM)
        for i, text in enumerate((f"Số: {number_and_symbol}", date_line)):
            y = top - 6 - (i + 1) * 15
            box = (20 * MM, y, 20 * MM + _text_width(text, 11) + 4, y + 13)
            fills.append(Fill(f"{NUMBER_FIELD}-{i}", text, box, 11))
    # One font engine (one embedded subset) for each style, shared by the fills that use it.
    italic = {fill.field_name: not fill.field_name.endswith("-So") for fill in fills}
    fonts = {
        style: _font(
            style, "".join(f.text for f in fills if italic[f.field_name] == style)
        ).create_font_engine(writer)
        for style in set(italic.values())
    }
    for fill in fills:
        box = fill.box
        append_signature_field(
            writer, SigFieldSpec(sig_field_name=fill.field_name, box=_ints(box), on_page=0)
        )
        fld = _field(writer, fill.field_name)
        widget = fld["/Kids"][0].get_object() if "/Kids" in fld else fld
        widget[generic.pdf_name("/Rect")] = generic.ArrayObject(
            [generic.FloatObject(round(v, 2)) for v in box]
        )
        font = (box[3] - box[1]) / 0.89
        xobj = _text_xobject(
            writer,
            fonts[italic[fill.field_name]],
            fill.text,
            box[2] - box[0],
            box[3] - box[1],
            fill.size,
            0.05 * font,
        )
        widget[generic.pdf_name("/AP")] = generic.DictionaryObject({generic.pdf_name("/N"): xobj})
        fld[generic.pdf_name("/Ff")] = generic.NumberObject(1)  # read-only
        writer.update_container(widget)
        writer.update_container(fld)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _ints(box: Box) -> tuple[int, int, int, int]:
    return (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def _field(writer: IncrementalPdfFileWriter, name: str) -> generic.DictionaryObject:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        fld = ref.get_object()
        if str(fld.get("/T")) == name:
            return fld
    raise KeyError(name)


# --- Signing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    field_name: str
    page: int
    box: Box
    style: TextStampStyle
    # Empty signature fields to add before signing (name, page, box): the seal's reserved place.
    reserve: tuple[tuple[str, int, Box], ...] = ()


def _outside_event_loop(work: Callable[[], T]) -> T:
    """pyHanko runs its async core with asyncio.run(), which refuses to start inside a running
    event loop (an async view, a test driving a browser): run it in a thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


class TimestampClient(HTTPTimeStamper):
    """pyHanko's RFC 3161 client, except that the TLS context of its short-lived HTTP session
    (one per request: a session belongs to one event loop) is made once per process, not at
    every request (14 ms of reading the CA bundle each time)."""

    @asynccontextmanager
    async def _acquire_session(self) -> AsyncIterator[aiohttp.ClientSession]:
        connector = aiohttp.TCPConnector(ssl=_tls_context())
        async with aiohttp.ClientSession(connector=connector) as session:
            yield session


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


# A timestamp client is kept this long per process and TSA: pyHanko sizes a signature with a
# sample timestamp it keeps in the client, so a kept client asks the TSA once per signature
# instead of twice. Renewed now and then, so that a TSA's new certificate chain is sized again.
TIMESTAMP_CLIENT_REUSE_SECONDS = 3600
_timestamp_clients: dict[tuple[str, int], tuple[float, TimestampClient]] = {}


def timestamp_client(url: str, timeout: int) -> TimestampClient:
    """The process's client for the TSA at `url` (made anew after an hour)."""
    now = time.monotonic()
    kept = _timestamp_clients.get((url, timeout))
    if kept is None or now - kept[0] > TIMESTAMP_CLIENT_REUSE_SECONDS:
        kept = (now, TimestampClient(url, timeout=timeout))
        _timestamp_clients[(url, timeout)] = kept
    return kept[1]


def writer_with_fields(data: bytes, placement: Placement) -> IncrementalPdfFileWriter:
    """An incremental update of `data` holding the signature field of `placement` (unless the
    field was reserved earlier) and the fields it reserves for later signatures."""
    reader = open_pdf(data)
    reserved = reserved_field(reader, placement.field_name) is not None
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if not reserved:  # else sign into the field reserved for this signature
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=placement.field_name,
                box=_ints(placement.box),
                on_page=placement.page,
            ),
        )
    for name, page, box in placement.reserve:
        append_signature_field(
            writer, SigFieldSpec(sig_field_name=name, box=_ints(box), on_page=page)
        )
    return writer


def sign(
    data: bytes,
    *,
    signer: signers.Signer,
    placement: Placement,
    reason: str,
    location: str,
    timestamper: TimeStamper | None,
) -> bytes:
    """One PAdES signature (B-T with a timestamper, B-B without) in an incremental update."""
    writer = writer_with_fields(data, placement)
    meta = signers.PdfSignatureMetadata(
        field_name=placement.field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper, stamp_style=placement.style
    )
    out = _outside_event_loop(lambda: pdf_signer.sign_pdf(writer, in_place=False))
    return out.getvalue()


# --- Verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer: str
    organisation: str
    subject: str
    issuer: str
    serial: str
    certificate_valid_from: datetime | None
    certificate_valid_until: datetime | None
    signing_time: datetime | None
    timestamp_time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    expired: bool
    covers_whole_file: bool
    modification_level: str
    problems: list[str] = field(default_factory=list)
    fingerprint: str = ""
    certificate: dict[str, object] = field(default_factory=dict)
    timestamp_trusted: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def only_untrusted(self) -> bool:
        """Intact and valid, but its certificate (or its timestamp's) does not chain to a
        root on our list: valid as far as we can tell, from a source we cannot vouch for."""
        return bool(self.problems) and set(self.problems) == {SignatureProblem.UNTRUSTED.value}


def overall_status(reports: Sequence[SignatureReport]) -> str:
    """valid: every signature is; untrusted: none has any problem but an unknown root;
    invalid: at least one is modified, broken, revoked or expired."""
    if all(r.ok for r in reports):
        return "valid"
    if all(r.ok or r.only_untrusted for r in reports):
        return "untrusted"
    return "invalid"


@dataclass(frozen=True)
class VerificationReport:
    """What `verify_pdf` found: `status` is one of VerificationStatus's values."""

    status: str
    signatures: list[SignatureReport] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    def as_dict(self) -> dict[str, object]:
        def plain(value: object) -> object:
            return value.isoformat() if isinstance(value, datetime) else value

        return {
            "status": self.status,
            "error": self.error,
            "signatures": [
                {k: plain(v) for k, v in asdict(s).items() if k != "certificate"}
                | {"certificate": s.certificate}
                for s in self.signatures
            ],
        }


def validation_context(
    roots: Sequence[x509.Certificate],
    others: Sequence[x509.Certificate],
    fetchers: Fetchers | None = None,
) -> ValidationContext:
    """Trust `roots`, fetch revocation information (soft-fail: an unreachable responder is not
    a revocation). Contexts given the same `fetchers` share what was fetched: the signer's and
    its timestamp's checks of one signature ask each responder once."""
    if fetchers is None:
        fetchers = revocation_fetchers()
    return ValidationContext(
        trust_roots=list(roots),
        other_certs=list(others),
        allow_fetching=True,
        revocation_mode="soft-fail",
        fetchers=fetchers,
    )


def revocation_fetchers() -> Fetchers:
    """Fresh fetchers (OCSP, CRL, certificates), caching nothing beyond one verification."""
    return RequestsFetcherBackend(
        per_request_timeout=settings.LIENTHONG_REVOCATION_TIMEOUT_SECONDS
    ).get_fetchers()


def _attr(name: x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value)


def verify(
    data: bytes, *, roots: Sequence[x509.Certificate], others: Sequence[x509.Certificate]
) -> VerificationReport:
    try:
        reader = open_pdf(data)
        embedded = list(reader.embedded_signatures)
    except PdfProblem as exc:
        return VerificationReport(status="unreadable", error=exc.code)
    except Exception as exc:
        return VerificationReport(status="unreadable", error=f"bad_pdf: {str(exc)[:200]}")
    if not embedded:
        return VerificationReport(status="unsigned")
    reports = []
    for sig in embedded:
        try:
            reports.append(_outside_event_loop(partial(_verify_one, sig, roots, others)))
        except Exception as exc:
            reports.append(
                SignatureReport(
                    field_name=str(sig.field_name),
                    signer="",
                    organisation="",
                    subject="",
                    issuer="",
                    serial="",
                    certificate_valid_from=None,
                    certificate_valid_until=None,
                    signing_time=None,
                    timestamp_time=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    revoked=False,
                    expired=False,
                    covers_whole_file=False,
                    modification_level="",
                    problems=[SignatureProblem.INVALID.value, f"{type(exc).__name__}"],
                )
            )
    return VerificationReport(status=overall_status(reports), signatures=reports)


def verify_field(
    data: bytes,
    name: str,
    *,
    roots: Sequence[x509.Certificate],
    others: Sequence[x509.Certificate],
) -> SignatureReport | None:
    """The report on one signature of the PDF (the field `name`), or None when no signature
    fills that field: the same checks as `verify`, the others' not made."""
    reader = open_pdf(data)
    sig = next((s for s in reader.embedded_signatures if str(s.field_name) == name), None)
    if sig is None:
        return None
    return _outside_event_loop(partial(_verify_one, sig, roots, others))


def _verify_one(sig, roots, others) -> SignatureReport:
    fetchers = revocation_fetchers()  # one set for the signer's and the timestamp's chains
    st = validate_pdf_signature(
        sig,
        signer_validation_context=validation_context(roots, others, fetchers),
        ts_validation_context=validation_context(roots, others, fetchers),
    )
    cert = st.signing_cert
    ts = st.timestamp_validity
    ts_time = ts.timestamp if ts is not None else None
    when = ts_time or st.signer_reported_dt
    not_before = cert["tbs_certificate"]["validity"]["not_before"].native
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    expired = when is not None and not (not_before <= when <= not_after)
    indic = str(getattr(st.trust_problem_indic, "name", ""))
    problems: list[str] = []
    modified = not st.intact or st.docmdp_ok is False
    if modified:
        problems.append(SignatureProblem.MODIFIED.value)
    elif not st.valid:
        problems.append(SignatureProblem.INVALID.value)
    if st.revoked or indic.startswith("REVOKED"):
        problems.append(SignatureProblem.REVOKED.value)
    elif expired or indic in {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "NOT_YET_VALID"}:
        problems.append(SignatureProblem.EXPIRED.value)
    elif not st.trusted:
        problems.append(SignatureProblem.UNTRUSTED.value)
    timestamp_trusted = ts is not None and bool(ts.intact and ts.valid and ts.trusted)
    if ts is not None and not timestamp_trusted:
        problems.append(SignatureProblem.UNTRUSTED.value)
    return SignatureReport(
        field_name=str(sig.field_name),
        signer=_attr(cert.subject, "common_name"),
        organisation=_attr(cert.subject, "organization_name"),
        subject=cert.subject.human_friendly,
        issuer=", ".join(
            v
            for v in (_attr(cert.issuer, "common_name"), _attr(cert.issuer, "organization_name"))
            if v
        ),
        serial=format(cert.serial_number, "X"),
        certificate_valid_from=not_before,
        certificate_valid_until=not_after,
        signing_time=st.signer_reported_dt,
        timestamp_time=ts_time,
        intact=bool(st.intact),
        valid=bool(st.valid),
        trusted=bool(st.trusted),
        revoked=bool(st.revoked),
        expired=expired,
        covers_whole_file=st.coverage is not None and st.coverage.name == "ENTIRE_FILE",
        modification_level=st.modification_level.name if st.modification_level else "",
        problems=list(dict.fromkeys(problems)),
        fingerprint=certificate_fingerprint(cert),
        certificate=CertificateDetails.from_certificate(cert).as_dict(),
        timestamp_trusted=timestamp_trusted,
    )


def certificate_fingerprint(cert: x509.Certificate) -> str:
    return str(cert.sha256.hex())


def field_names(data: bytes) -> list[str]:
    return [str(s.field_name) for s in open_pdf(data).embedded_signatures]


def signer_fingerprints(data: bytes) -> dict[str, str]:
    """Field name → SHA-256 fingerprint of the certificate that signed it."""
    return {
        str(s.field_name): certificate_fingerprint(s.signer_cert)
        for s in open_pdf(data).embedded_signatures
    }
