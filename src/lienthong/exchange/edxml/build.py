"""Building the edXML packages we send, in the QCVN form: every child carries the explicit
`edXML:` prefix (the national axis' .NET reader refuses prefix-less children), dates as
yyyy/MM/dd, attachments zipped then base64-encoded as the axis SDK does. Every package is checked
against our XML Schema (edxml-1.0.xsd) before it is returned; a failure raises PackageInvalid."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import date, datetime
from functools import cache
from pathlib import Path

from lxml import etree

from .model import (
    BUSINESS_REASONS,
    DSIG_NS,
    NS,
    SCHEMA_VERSION,
    Message,
    Organ,
    ResponseFor,
    Staff,
    Status,
    Trace,
)

SCHEMA_PATH = Path(__file__).with_name("edxml-1.0.xsd")


class PackageInvalid(ValueError):
    """A package we built does not satisfy our schema (a bug or data too long to send)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def validate(xml: bytes) -> None:
    """Check a package against our schema; raise PackageInvalid with the schema's messages."""
    doc = etree.fromstring(xml)
    checker = schema()
    if not checker.validate(doc):
        raise PackageInvalid([f"line {e.line}: {e.message}" for e in checker.error_log])


def fmt_date(value: date) -> str:
    return value.strftime("%Y/%m/%d")


def fmt_datetime(value: datetime) -> str:
    return value.strftime("%Y/%m/%d %H:%M:%S")


def _el(parent: etree._Element, name: str, text: str | int | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        child.text = str(text)
    return child


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    node = _el(parent, name)
    _el(node, "OrganId", organ.organ_id)
    _el(node, "OrganizationInCharge", organ.in_charge or organ.name)
    _el(node, "OrganName", organ.name)
    for tag, value in (
        ("OrganAdd", organ.address),
        ("Email", organ.email),
        ("Telephone", organ.telephone),
        ("Fax", organ.fax),
        ("Website", organ.website),
    ):
        if value:
            _el(node, tag, value)


def _staff(parent: etree._Element, staff: Staff) -> None:
    node = _el(parent, "StaffInfo")
    for tag, value in (
        ("Department", staff.department),
        ("Staff", staff.staff),
        ("Mobile", staff.mobile),
        ("Email", staff.email),
    ):
        if value:
            _el(node, tag, value)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    node = _el(parent, "ResponseFor")
    _el(node, "OrganId", response.organ_id)
    _el(node, "Code", response.code)
    _el(node, "PromulgationDate", fmt_date(response.promulgation_date or date.today()))
    _el(node, "DocumentId", response.document_id)


def _skeleton() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(f"{{{NS}}}edXML", nsmap={None: NS})
    envelope = etree.SubElement(root, f"{{{NS}}}edXMLEnvelope", nsmap={"edXML": NS})
    header = _el(envelope, "edXMLHeader")
    return root, envelope, header


def _signature_placeholder(header: etree._Element) -> None:
    etree.SubElement(header, f"{{{DSIG_NS}}}Signature", nsmap={None: DSIG_NS}, Id="placeholder")


def zip_payload(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def _header(header: etree._Element, message: Message) -> None:
    head = _el(header, "MessageHeader")
    _organ(head, "From", message.sender)
    for organ in message.recipients:
        _organ(head, "To", organ)
    _el(head, "DocumentId", message.document_id)
    code = _el(head, "Code")
    _el(code, "CodeNumber", message.code_number)
    _el(code, "CodeNotation", message.code_notation)
    info = _el(head, "PromulgationInfo")
    _el(info, "Place", message.place)
    _el(info, "PromulgationDate", fmt_date(message.promulgation_date))
    kind = _el(head, "DocumentType")
    _el(kind, "Type", message.document_type)
    _el(kind, "TypeDetail", message.type_detail)
    _el(kind, "TypeName", message.type_name)
    _el(head, "Subject", message.subject)
    if message.content:
        _el(head, "Content", message.content)
    signer = _el(head, "SignerInfo")
    _el(signer, "Competence", message.signer.competence)
    _el(signer, "Position", message.signer.position)
    _el(signer, "FullName", message.signer.full_name)
    if message.due_date:
        _el(head, "DueDate", fmt_date(message.due_date))
    if message.to_places:
        places = _el(head, "ToPlaces")
        for place in message.to_places:
            _el(places, "Place", place)
    _other_info(head, message)
    for response in message.response_for:
        _response_for(head, response)
    _el(head, "SteeringType", message.steering_type)


def _other_info(head: etree._Element, message: Message) -> None:
    other = _el(head, "OtherInfo")
    _el(other, "Priority", message.priority)
    _el(other, "SphereOfPromulgation", message.sphere)
    _el(other, "TyperNotation", message.typer_notation)
    if message.promulgation_amount is not None:
        _el(other, "PromulgationAmount", message.promulgation_amount)
    if message.page_amount is not None:
        _el(other, "PageAmount", message.page_amount)
    _el(other, "Direction", "false")
    if message.appendixes:
        appendixes = _el(other, "Appendixes")
        for appendix in message.appendixes:
            _el(appendixes, "Appendix", appendix)


def _traces(header: etree._Element, message: Message, now: datetime | None) -> None:
    traces = _el(header, "TraceHeaderList")
    hops = message.traces or [Trace(message.sender.organ_id, now or datetime.now())]
    for hop in hops:
        trace = _el(traces, "TraceHeader")
        _el(trace, "OrganId", hop.organ_id)
        _el(trace, "Timestamp", fmt_datetime(hop.timestamp))
    business = message.business
    node = _el(traces, "Bussiness")
    if business.document_id:
        _el(node, "DocumentId", business.document_id)
    _el(node, "BussinessDocType", int(business.doc_type))
    _el(node, "BussinessDocReason", business.reason or BUSINESS_REASONS[business.doc_type])
    _el(node, "Paper", 1 if business.paper else 0)
    for staff in business.staff:
        _staff(node, staff)
    if business.replaced_ids:
        replacements = _el(node, "ReplacementInfoList")
        for replaced in business.replaced_ids:
            _el(_el(replacements, "ReplacementInfo"), "DocumentId", replaced)


def _attachments(
    root: etree._Element, envelope: etree._Element, message: Message, zip_files: bool
) -> None:
    body = _el(envelope, "edXMLBody")
    manifest = _el(body, "edXMLManifest")
    manifest.set("version", SCHEMA_VERSION)
    for attachment in message.attachments:
        ref = _el(manifest, "Reference")
        _el(ref, "ContentId", attachment.content_id)
        _el(ref, "ContentType", "application/zip" if zip_files else attachment.content_type)
        _el(ref, "Description", attachment.description)
        _el(ref, "AttachmentName", attachment.name)
    if not message.attachments:
        return
    encoded = _el(root, "AttachmentEncoded")
    for attachment in message.attachments:
        item = _el(encoded, "Attachment")
        _el(item, "ContentId", attachment.content_id)
        _el(item, "AttachmentName", attachment.name)
        _el(item, "Description", attachment.description)
        _el(item, "ContentType", "application/zip" if zip_files else attachment.content_type)
        payload = zip_payload(attachment.name, attachment.data) if zip_files else attachment.data
        _el(item, "ContentTransferEncoded", base64.b64encode(payload).decode("ascii"))


def build_message(
    message: Message, *, now: datetime | None = None, zip_files: bool = True
) -> bytes:
    """The unsigned package of a document message (with the signature's placeholder)."""
    ids = [organ.organ_id for organ in message.recipients]
    if len(ids) != len(set(ids)):
        raise PackageInvalid(["the same recipient OrganId appears twice"])
    if not message.recipients:
        raise PackageInvalid(["a package needs at least one recipient"])
    root, envelope, header = _skeleton()
    _header(header, message)
    _traces(header, message, now)
    _signature_placeholder(header)
    _attachments(root, envelope, message, zip_files)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate(xml)
    return xml


def build_status(status: Status) -> bytes:
    """The unsigned package of a status message (with the signature's placeholder)."""
    root, _envelope, header = _skeleton()
    node = _el(header, "Status")
    _response_for(node, status.response_for)
    _organ(node, "From", status.sender)
    _el(node, "StatusCode", status.code)
    _el(node, "Description", status.description or status.meaning.split(" — ")[0])
    _el(node, "Timestamp", fmt_datetime(status.timestamp or datetime.now()))
    if any((status.staff.staff, status.staff.department, status.staff.email)):
        _staff(node, status.staff)
    _signature_placeholder(header)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate(xml)
    return xml
