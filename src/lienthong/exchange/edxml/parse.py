"""Reading what other systems send, leniently: the QCVN namespace, the older e-doc.vn one or none
at all, prefixed or not; status messages bare or wrapped in a SOAP envelope; dates as yyyy/MM/dd,
dd/MM/yyyy or ISO; attachments base64 whether zipped (declared application/zip or not) or not;
agency ids with stray spaces or lower case. Only what cannot be used is refused, with a reason
(PackageRefused.reason) that goes back to the sender in a status 02."""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from lxml import etree

from .model import (
    AttachmentFile,
    Business,
    BusinessType,
    Message,
    Organ,
    ResponseFor,
    Signer,
    Staff,
    Status,
    Trace,
)

ZIP_MAGIC = b"PK\x03\x04"
MAX_PACKAGE = 200 * 1024 * 1024
_DATE_FORMATS = ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y%m%d")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")


class PackageRefused(ValueError):
    """Nothing usable can be made of the package; `reason` says why (sent back in status 02)."""

    def __init__(self, reason: str, code: str = "unusable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class Parsed:
    kind: Literal["message", "status"]
    message: Message | None = None
    status: Status | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def document_id(self) -> str:
        if self.message is not None:
            return self.message.document_id
        assert self.status is not None
        return self.status.response_for.document_id


def _local(node: etree._Element) -> str:
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    # "{ns}name", or "prefix:name" when a repaired package left a prefix undeclared.
    return tag.rpartition("}")[2].rpartition(":")[2]


def _children(node: etree._Element | None, name: str) -> list[etree._Element]:
    if node is None:
        return []
    return [c for c in node if _local(c).lower() == name.lower()]


def _child(node: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(node, name)
    return found[0] if found else None


def _find(node: etree._Element, name: str) -> etree._Element | None:
    """The first descendant named `name` in any namespace."""
    for el in node.iter():
        if _local(el).lower() == name.lower():
            return el
    return None


def _text(node: etree._Element | None, name: str, default: str = "") -> str:
    child = _child(node, name)
    if child is None or child.text is None:
        return default
    return " ".join(child.text.split())


def _int(value: str, default: int | None = None) -> int | None:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return default


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    head = value.split()[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


def parse_datetime(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        pass
    parts = value.split()
    day = parse_date(parts[0])
    if day is None:
        return None
    if len(parts) > 1:
        for fmt in _TIME_FORMATS:
            try:
                clock = datetime.strptime(parts[1], fmt).time()
                return datetime.combine(day, clock)
            except ValueError:
                continue
    return datetime.combine(day, datetime.min.time())


_ORGAN_SPACES = re.compile(r"\s+")


def normalise_organ_id(value: str) -> str:
    """Agency ids as others write them: stray spaces, lower-case letters, commas for dots."""
    value = _ORGAN_SPACES.sub("", value).replace(",", ".").upper()
    return value


def _organ(node: etree._Element | None) -> Organ | None:
    if node is None:
        return None
    organ_id = normalise_organ_id(_text(node, "OrganId"))
    name = _text(node, "OrganName") or _text(node, "OrganizationInCharge")
    if not organ_id:
        return None
    return Organ(
        organ_id=organ_id,
        name=name or organ_id,
        in_charge=_text(node, "OrganizationInCharge"),
        address=_text(node, "OrganAdd"),
        email=_text(node, "Email"),
        telephone=_text(node, "Telephone"),
        fax=_text(node, "Fax"),
        website=_text(node, "Website"),
    )


def _staff(node: etree._Element | None) -> Staff:
    return Staff(
        staff=_text(node, "Staff"),
        department=_text(node, "Department"),
        mobile=_text(node, "Mobile"),
        email=_text(node, "Email"),
    )


def _response_for(node: etree._Element) -> ResponseFor:
    return ResponseFor(
        organ_id=normalise_organ_id(_text(node, "OrganId")),
        code=_text(node, "Code"),
        promulgation_date=parse_date(_text(node, "PromulgationDate")),
        document_id=_text(node, "DocumentId"),
    )


def unpack_payload(raw: bytes, declared: str) -> tuple[bytes, bool]:
    """A decoded attachment: unzipped when it is a ZIP holding one file (the axis SDK's
    habit), whatever the declared type. Returns (data, was_zipped)."""
    if raw.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                files = [i for i in archive.infolist() if not i.is_dir()]
                if len(files) == 1:
                    return archive.read(files[0]), True
        except zipfile.BadZipFile:
            if declared == "application/zip":
                raise PackageRefused(
                    "an attachment declared as ZIP is not a readable ZIP"
                ) from None
    return raw, False


def _attachments(root: etree._Element, warnings: list[str]) -> list[AttachmentFile]:
    references: dict[str, etree._Element] = {}
    manifest = _find(root, "edXMLManifest")
    for ref in _children(manifest, "Reference"):
        references[_text(ref, "ContentId")] = ref
    files = []
    encoded = _find(root, "AttachmentEncoded")
    for index, item in enumerate(_children(encoded, "Attachment"), start=1):
        content_id = _text(item, "ContentId") or f"cid:attachment-{index}"
        ref = references.get(content_id)
        name = _text(item, "AttachmentName") or _text(ref, "AttachmentName") or f"tep-{index}"
        declared = (_text(item, "ContentType") or _text(ref, "ContentType")).lower()
        description = _text(item, "Description") or _text(ref, "Description")
        payload_node = _child(item, "ContentTransferEncoded")
        text = "".join((payload_node.text or "").split()) if payload_node is not None else ""
        if not text:
            raise PackageRefused(f"attachment {name!r} carries no content")
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise PackageRefused(f"attachment {name!r} is not valid base64") from None
        data, zipped = unpack_payload(raw, declared)
        content_type = declared
        if zipped or declared in {"", "application/zip", "application/octet-stream"}:
            content_type = _guess_type(name, data)
        if zipped and declared != "application/zip":
            warnings.append(f"attachment {name!r} was zipped without saying so")
        files.append(AttachmentFile(content_id, name, content_type, data, description))
    return files


def _guess_type(name: str, data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "application/pdf"
    lowered = name.lower()
    for suffix, kind in (
        (".pdf", "application/pdf"),
        (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (".doc", "application/msword"),
        (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (".xls", "application/vnd.ms-excel"),
        (".zip", "application/zip"),
        (".txt", "text/plain"),
    ):
        if lowered.endswith(suffix):
            return kind
    return "application/octet-stream"


def _business(traces: etree._Element | None) -> Business:
    node = _child(traces, "Bussiness")
    if node is None:
        node = _child(traces, "Business")
    if node is None:
        return Business()
    doc_type = _int(_text(node, "BussinessDocType") or _text(node, "BusinessDocType"), 0) or 0
    if doc_type not in {t.value for t in BusinessType}:
        raise PackageRefused(f"unknown business document type {doc_type}")
    replaced = [
        _text(info, "DocumentId")
        for info in _children(_child(node, "ReplacementInfoList"), "ReplacementInfo")
    ]
    return Business(
        doc_type=BusinessType(doc_type),
        reason=_text(node, "BussinessDocReason"),
        paper=_text(node, "Paper") == "1",
        document_id=_text(node, "DocumentId"),
        staff=[_staff(s) for s in _children(node, "StaffInfo")],
        replaced_ids=[r for r in replaced if r],
    )


def _message(head: etree._Element, root: etree._Element, warnings: list[str]) -> Message:
    sender = _organ(_child(head, "From"))
    if sender is None:
        raise PackageRefused("the sender (From/OrganId) is missing", "no_sender")
    recipients = [o for o in (_organ(n) for n in _children(head, "To")) if o is not None]
    if not recipients:
        raise PackageRefused("no recipient (To/OrganId) is named", "no_recipient")
    code = _child(head, "Code")
    number = _text(code, "CodeNumber")
    notation = _text(code, "CodeNotation")
    if not number and not notation and code is not None and code.text:
        # Some systems write "123/UBND-VP" as the text of Code.
        number, _sep, notation = " ".join(code.text.split()).partition("/")
    subject = _text(head, "Subject")
    if not subject:
        raise PackageRefused("the subject (trích yếu) is missing", "no_subject")
    info = _child(head, "PromulgationInfo")
    raw_date = _text(info, "PromulgationDate")
    issued = parse_date(raw_date)
    if issued is None:
        raise PackageRefused(f"the document date {raw_date!r} is missing or unreadable", "bad_date")
    kind = _child(head, "DocumentType")
    signer = _child(head, "SignerInfo")
    other = _child(head, "OtherInfo")
    priority = _int(_text(other, "Priority"), 0) or 0
    if not 0 <= priority <= 4:
        warnings.append(f"priority {priority} out of range, read as 0")
        priority = 0
    steering = _int(_text(head, "SteeringType"), 1) or 1
    traces_node = _find(root, "TraceHeaderList")
    traces = []
    for hop in _children(traces_node, "TraceHeader"):
        when = parse_datetime(_text(hop, "Timestamp"))
        if when is not None:
            traces.append(Trace(normalise_organ_id(_text(hop, "OrganId")), when))
    due_raw = _text(head, "DueDate")
    due = parse_date(due_raw)
    if due_raw and due is None:
        warnings.append(f"due date {due_raw!r} unreadable, ignored")
    document_id = _text(head, "DocumentId")
    message = Message(
        sender=sender,
        recipients=recipients,
        code_number=number,
        code_notation=notation,
        place=_text(info, "Place"),
        promulgation_date=issued,
        type_name=_text(kind, "TypeName"),
        document_type=_int(_text(kind, "Type"), 1) or 1,
        type_detail=_int(_text(kind, "TypeDetail"), 0) or 0,
        subject=subject,
        content=_text(head, "Content"),
        signer=Signer(
            full_name=_text(signer, "FullName"),
            position=_text(signer, "Position"),
            competence=_text(signer, "Competence"),
        ),
        due_date=due,
        to_places=[
            " ".join((p.text or "").split()) for p in _children(_child(head, "ToPlaces"), "Place")
        ],
        priority=priority,
        sphere=_text(other, "SphereOfPromulgation"),
        typer_notation=_text(other, "TyperNotation"),
        promulgation_amount=_int(_text(other, "PromulgationAmount")),
        page_amount=_int(_text(other, "PageAmount")),
        appendixes=[
            " ".join((a.text or "").split())
            for a in _children(_child(other, "Appendixes"), "Appendix")
        ],
        response_for=[_response_for(n) for n in _children(head, "ResponseFor")],
        steering_type=steering,
        traces=traces,
        business=_business(traces_node),
        attachments=_attachments(root, warnings),
        document_id=document_id,
    )
    if not document_id:
        warnings.append("no DocumentId: formed from the sender, date and number")
    return message


def _status(node: etree._Element) -> Status:
    response = _child(node, "ResponseFor")
    if response is None:
        raise PackageRefused("the status does not say which document it is about", "no_reference")
    about = _response_for(response)
    if not about.document_id:
        raise PackageRefused("the status names no DocumentId", "no_reference")
    sender = _organ(_child(node, "From"))
    if sender is None:
        raise PackageRefused("the status does not say who sends it (From/OrganId)", "no_sender")
    code = _text(node, "StatusCode").zfill(2)
    if code not in {"01", "02", "03", "04", "05", "06", "13", "15", "16"}:
        raise PackageRefused(f"unknown status code {code!r}", "bad_status")
    return Status(
        response_for=about,
        sender=sender,
        code=code,
        description=_text(node, "Description"),
        timestamp=parse_datetime(_text(node, "Timestamp")),
        staff=_staff(_child(node, "StaffInfo")),
    )


def _read_xml(xml: bytes, warnings: list[str]) -> etree._Element:
    """Parse the bytes; tolerate stray bytes before the XML and undeclared attribute prefixes
    (the axis SDK's sample writes xlink:href without declaring xlink)."""
    data = xml.lstrip(b"\xef\xbb\xbf").strip()
    if not data.startswith(b"<"):
        start = data.find(b"<?xml")
        start = data.find(b"<") if start < 0 else start
        if start < 0:
            raise PackageRefused("the package is not XML", "not_xml")
        warnings.append(f"{start} stray bytes before the XML were ignored")
        data = data[start:]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "Namespace prefix" not in str(exc):
            raise PackageRefused(f"the package is not well-formed XML ({exc})", "not_xml") from None
        warnings.append(f"repaired: {exc}")
    lenient = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=True)
    return etree.fromstring(data, lenient)


def parse(xml: bytes) -> Parsed:
    """Read a received package; raise PackageRefused when nothing usable can be made of it."""
    if not xml or not xml.strip():
        raise PackageRefused("the package is empty", "empty")
    if len(xml) > MAX_PACKAGE:
        raise PackageRefused("the package is larger than 200 MB", "too_large")
    warnings: list[str] = []
    root = _read_xml(xml, warnings)
    namespace = etree.QName(root).namespace or ""
    known = "mic.gov.vn" in namespace or "e-doc.vn" in namespace
    if namespace and not known and _local(root).lower() != "envelope":  # SOAP is fine
        warnings.append(f"unexpected namespace {namespace}")
    head = _find(root, "MessageHeader")
    if head is not None and _child(head, "StatusCode") is not None:
        # The axis SDK's own status samples carry the status inside a MessageHeader.
        return Parsed("status", status=_status(head), warnings=warnings)
    if head is not None:
        return Parsed("message", message=_message(head, root, warnings), warnings=warnings)
    status = _find(root, "Status")
    if status is not None and len(status):
        return Parsed("status", status=_status(status), warnings=warnings)
    raise PackageRefused("neither a MessageHeader nor a Status was found", "no_header")
