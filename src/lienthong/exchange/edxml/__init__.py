"""edXML packages (QCVN 102:2016/BTTTT): build (strict, checked against our schema), sign and
verify (XML-DSig), parse (lenient). Pure functions over bytes and dataclasses, no Django."""

from .build import PackageInvalid, build_message, build_status, validate
from .model import (
    BUSINESS_REASONS,
    NS,
    ORGAN_ID,
    STATUS_MEANINGS,
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
    document_id_for,
)
from .parse import PackageRefused, Parsed, normalise_organ_id, parse, parse_date
from .sign import SignatureCheck, sign, verify

__all__ = [
    "BUSINESS_REASONS",
    "NS",
    "ORGAN_ID",
    "STATUS_MEANINGS",
    "AttachmentFile",
    "Business",
    "BusinessType",
    "Message",
    "Organ",
    "PackageInvalid",
    "PackageRefused",
    "Parsed",
    "ResponseFor",
    "SignatureCheck",
    "Signer",
    "Staff",
    "Status",
    "Trace",
    "build_message",
    "build_status",
    "document_id_for",
    "normalise_organ_id",
    "parse",
    "parse_date",
    "sign",
    "validate",
    "verify",
]
