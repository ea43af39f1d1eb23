"""Whether the platform issued a file someone holds (“Kiểm tra văn bản / kết quả”): anyone
uploads a PDF; the answer says whether it is, byte for byte, the issued file of a document of
an agency on the platform (by the SHA-256 of its content: the sealed result of a dossier, an
issued outgoing document), which agency issued it, under which number and when, and what its
signatures say (signed by whom, when, valid or not), checked afresh against the trust list.

A file that is not the issued one (an earlier, unsigned version; a copy changed by one byte;
another platform's file) is not recognised, whatever its signatures say. Confidential documents
(độ mật) are never recognised here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from lienthong.documents.constants import Confidentiality, Direction, DocumentStatus
from lienthong.documents.models import AttachmentVersion, Document
from lienthong.documents.uploads import check_upload

from .badges import Badge, badge_for, expectation_for_document
from .models import PdfVerification
from .services import verify_pdf


@dataclass(frozen=True)
class IssuedFile:
    document: Document
    agency_name: str
    number_and_symbol: str
    issued_date: date | None
    subject: str
    signer_name: str
    recalled: bool


@dataclass(frozen=True)
class Provenance:
    sha256: str
    issued: IssuedFile | None
    check: PdfVerification | None  # the signatures as checked now (not stored)
    badge: Badge | None

    @property
    def recognised(self) -> bool:
        return self.issued is not None


def _issued_version(sha256: str) -> AttachmentVersion | None:
    """The issued file with this content: the latest version of an attachment of an issued
    (or since recalled) outgoing document, not confidential."""
    candidates = (
        AttachmentVersion.objects.filter(
            blob__sha256=sha256,
            attachment__document__direction=Direction.OUTGOING,
            attachment__document__status__in=[DocumentStatus.ISSUED, DocumentStatus.RECALLED],
            attachment__document__confidentiality=Confidentiality.NONE,
        )
        .select_related("attachment__document__agency")
        .order_by("id")
    )
    for version in candidates:
        latest = (
            AttachmentVersion.objects.filter(attachment_id=version.attachment_id)
            .order_by("-version")
            .values_list("pk", flat=True)
            .first()
        )
        if latest == version.pk:
            return version
    return None


def identify_file(upload: IO[bytes], name: str) -> Provenance:
    """Check an uploaded file as every upload is checked (type by content, size, readable
    PDF: ValidationError otherwise), then say whether the platform issued it and what its
    signatures say."""
    checked = check_upload(upload, name)
    version = _issued_version(checked.sha256)
    issued = None
    if version is not None:
        document = version.attachment.document
        issued = IssuedFile(
            document=document,
            agency_name=document.agency.name,
            number_and_symbol=document.number_and_symbol,
            issued_date=document.issued_date,
            subject=document.subject,
            signer_name=document.signer_name,
            recalled=document.status == DocumentStatus.RECALLED,
        )
    check = badge = None
    if checked.content_type == "application/pdf":
        upload.seek(0)
        report = verify_pdf(upload.read())
        upload.seek(0)
        check = PdfVerification(
            status=report.status,
            signature_count=len(report.signatures),
            report=report.as_dict(),
        )
        wanted = expectation_for_document(issued.document) if issued else None
        badge = badge_for(check, wanted)
    return Provenance(sha256=checked.sha256, issued=issued, check=check, badge=badge)
