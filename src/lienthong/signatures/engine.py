"""The PDF side of signing and verifying, through pyHanko: where the images go (Decree 30/2020,
Phụ lục I: personal signature between the position line and the name, the seal over a third
of it on its left, annex signatures top right of page 1 without image), the number and date
stamped before the agency signs, and the verification report.

Nothing here touches the database: services.py decides who signs what with which key."""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from html import unescape
from typing import TypeVar

from asn1crypto import x509
from django.conf import settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import (
    AxisAlignment,
    BoxConstraints,
    InnerScaling,
    Margins,
    SimpleBoxLayoutRule,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, append_signature_field
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from .certificates import CertificateDetails
from .constants import MM, NUMBER_FIELD, SignatureProblem

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


# --- Where the images go --------------------------------------------------------------------------


def image_size(png: bytes, width_pt: float) -> tuple[float, float]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        w, h = image.size
    return width_pt, width_pt * h / w


def personal_box(
    data: bytes, *, name: str, position: str, width_pt: float, height_pt: float
) -> tuple[int, Box]:
    """Ô 7c: centred on the signer's name, in the space between the position line above and
    the name below, on the last page that carries the name. Falls back to the right half of
    the last page's lower part when the name is not found in the text."""
    reader = open_pdf(data)
    pages = page_count(reader)
    for page in range(pages - 1, -1, -1):
        page_width, _height, words = page_words(data, page)
        name_box = find_phrase(words, name, last=True) if name.strip() else None
        if name_box is None:
            continue
        centre = (name_box[0] + name_box[2]) / 2
        pos_box = None
        if position.strip():
            above = [w for w in words if w.box[1] > name_box[3]]
            pos_box = find_phrase(above, position.split(",")[-1].strip(), last=True)
        top = pos_box[1] if pos_box is not None else name_box[3] + height_pt + 8
        bottom = name_box[3]
        middle = (top + bottom) / 2
        h = min(height_pt, max(top - bottom - 4, 12))
        w = width_pt * h / height_pt
        return page, (centre - w / 2, middle - h / 2, centre + w / 2, middle + h / 2)
    page_width = float(
        reader.root["/Pages"]["/Kids"][-1].get_object().get("/MediaBox", [0, 0, 595, 842])[2]
    )
    centre = page_width * 0.72
    return pages - 1, (centre - width_pt / 2, 120, centre + width_pt / 2, 120 + height_pt)


def seal_box(personal: Box, diameter_pt: float) -> Box:
    """Ô 8: the seal covers about a third of the personal signature, on its left, at the same
    height."""
    llx, lly, urx, ury = personal
    right = llx + (urx - llx) / 3
    middle = (lly + ury) / 2
    return (right - diameter_pt, middle - diameter_pt / 2, right, middle + diameter_pt / 2)


def appendix_box(data: bytes) -> Box:
    """Top right of page 1, for annexes in separate files and electronic copies."""
    reader = open_pdf(data)
    first = reader.root["/Pages"]["/Kids"][0].get_object()
    box = first.get("/MediaBox", [0, 0, 595, 842])
    width, height = float(box[2]), float(box[3])
    margin = 20 * MM
    return (width - margin - 200, height - 15 * MM - 36, width - margin, height - 15 * MM)


# --- Stamps ---------------------------------------------------------------------------------------


def _font(italic: bool = False) -> GlyphAccumulatorFactory:
    path = settings.LIENTHONG_SIGNATURE_FONT_ITALIC if italic else settings.LIENTHONG_SIGNATURE_FONT
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
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def text_style(
    text: str, *, size: float = 10, white: bool = False, italic: bool = False
) -> TextStampStyle:
    """Text only, black, Noto Serif (unitsPerEm 1000: pyHanko spaces it right), left-aligned
    and never scaled; optionally on white to cover the template's blanks."""
    background = None
    if white:
        from PIL import Image

        background = PdfImage(Image.new("RGB", (4, 4), (255, 255, 255)))
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=_font(italic),
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


def _rest_of_line(words: Sequence[Word], label: Box, *, max_gap: float = 40) -> float:
    """Right edge of the words following `label` on its line, up to a wide gap (the next
    column of the header)."""
    line = sorted(
        (w for w in words if abs(w.box[1] - label[1]) < 3 and w.box[0] >= label[2] - 1),
        key=lambda w: w.box[0],
    )
    right = label[2]
    for w in line:
        if w.box[0] - right > max_gap:
            break
        right = max(right, w.box[2])
    return right


def stamp_number_and_date(
    data: bytes, *, number_and_symbol: str, date_line: str, date_words: str = "ngày"
) -> bytes:
    """Write the number (ô 2) and the date (ô 4) given at issue into page 1 as an incremental
    update that keeps the signatures before it valid: each goes in the appearance of a new,
    read-only signature field (the only addition pyHanko's diff policy, like Acrobat's, allows
    after signing); a white background covers the template's blanks."""
    _w, _h, words = page_words(data, 0)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    placements: list[tuple[str, str, Box, bool]] = []
    number_label = find_phrase(words, "Số:")
    date_label = find_phrase(words, date_words)
    if number_label is not None:
        right = _rest_of_line(words, number_label)
        box = (
            number_label[0] - 1,
            number_label[1] - 2,
            max(right, number_label[2] + 110) + 2,
            number_label[3] + 0.5,
        )
        placements.append((f"{NUMBER_FIELD}-So", f"Số: {number_and_symbol}", box, False))
    if date_label is not None:
        right = _rest_of_line(words, date_label)
        box = (
            date_label[0] - 1,
            date_label[1] - 2,
            max(right, date_label[2] + 150) + 2,
            date_label[3] + 0.5,
        )
        placements.append((f"{NUMBER_FIELD}-Ngay", date_line, box, True))
    if not placements:
        first = writer.root["/Pages"]["/Kids"][0].get_object()
        height = float(first.get("/MediaBox", [0, 0, 595, 842])[3])
        box = (20 * MM, height - 45 * MM, 20 * MM + 260, height - 45 * MM + 28)
        placements.append((NUMBER_FIELD, f"Số: {number_and_symbol}\n{date_line}", box, False))
    for name, text, exact, italic in placements:
        box = _ints(exact)
        append_signature_field(writer, SigFieldSpec(sig_field_name=name, box=_ints(box), on_page=0))
        fld = _field(writer, name)
        size = min(13.0, (box[3] - box[1]) * 0.65) if "\n" not in text else 10.0
        stamp = TextStamp(
            writer,
            text_style(text, size=size, white=True, italic=italic),
            text_params={},
            box=BoxConstraints(width=round(box[2] - box[0]), height=round(box[3] - box[1])),
        )
        fld[generic.pdf_name("/AP")] = generic.DictionaryObject(
            {generic.pdf_name("/N"): writer.add_object(stamp.as_form_xobject())}
        )
        fld[generic.pdf_name("/Ff")] = generic.NumberObject(1)  # read-only
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


def _outside_event_loop(work: Callable[[], T]) -> T:
    """pyHanko runs its async core with asyncio.run(), which refuses to start inside a running
    event loop (an async view, a test driving a browser): run it in a thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


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
    open_pdf(data)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    append_signature_field(
        writer,
        SigFieldSpec(
            sig_field_name=placement.field_name, box=_ints(placement.box), on_page=placement.page
        ),
    )
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
    roots: Sequence[x509.Certificate], others: Sequence[x509.Certificate]
) -> ValidationContext:
    return ValidationContext(
        trust_roots=list(roots),
        other_certs=list(others),
        allow_fetching=True,
        revocation_mode="soft-fail",
        fetcher_backend=RequestsFetcherBackend(
            per_request_timeout=settings.LIENTHONG_REVOCATION_TIMEOUT_SECONDS
        ),
    )


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


def _verify_one(sig, roots, others) -> SignatureReport:
    st = validate_pdf_signature(
        sig,
        signer_validation_context=validation_context(roots, others),
        ts_validation_context=validation_context(roots, others),
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
