"""What an edXML package says (QCVN 102:2016/BTTTT), as plain data: the builder turns these into
XML, the parser turns what arrives into these. No Django here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
OLD_NS = "http://www.e-doc.vn/Schema/"  # Bkav eDoc's older namespace, accepted on receipt
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_VERSION = "1.0"

# V1V2V3.Z1Z2.Y1Y2.MX1X2 (QCVN 102:2016, QĐ 20/2020); what we send must match it.
ORGAN_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


class BusinessType(IntEnum):
    """TraceHeaderList/Bussiness/BussinessDocType."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


BUSINESS_REASONS = {
    BusinessType.NEW: "Văn bản điện tử mới",
    BusinessType.REVOKE: "Thu hồi văn bản",
    BusinessType.UPDATE: "Cập nhật văn bản",
    BusinessType.REPLACE: "Văn bản thay thế",
}

# Status codes of the feedback message and what they mean (QCVN 102, axis specification).
STATUS_MEANINGS: dict[str, str] = {
    "01": "Đã đến — received by the software, the registry has not handled it yet",
    "02": "Từ chối tiếp nhận — refused by the registry (reason required)",
    "03": "Đã tiếp nhận — registered (vào sổ)",
    "04": "Phân công — a handler was assigned",
    "05": "Đang xử lý — being processed",
    "06": "Hoàn thành — processing completed",
    "13": "Thu hồi — the sender recalls the document",
    "15": "Đồng ý thu hồi / cập nhật — the recipient agrees to the recall or update",
    "16": "Từ chối thu hồi / cập nhật — the recipient refuses the recall or update",
}


@dataclass
class Organ:
    organ_id: str
    name: str
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class Signer:
    full_name: str
    position: str = ""
    competence: str = ""


@dataclass
class Staff:
    staff: str = ""
    department: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class ResponseFor:
    organ_id: str
    code: str
    promulgation_date: date | None
    document_id: str


@dataclass
class Trace:
    organ_id: str
    timestamp: datetime


@dataclass
class Business:
    doc_type: BusinessType = BusinessType.NEW
    reason: str = ""
    paper: bool = False
    document_id: str = ""  # the document revoked, updated or replaced
    staff: list[Staff] = field(default_factory=list)
    replaced_ids: list[str] = field(default_factory=list)  # for REPLACE


@dataclass
class AttachmentFile:
    content_id: str
    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass
class Message:
    """A document message (MessageHeader + TraceHeaderList + attachments)."""

    sender: Organ
    recipients: list[Organ]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: date
    type_name: str
    subject: str
    signer: Signer
    document_type: int = 1
    type_detail: int = 0
    content: str = ""
    due_date: date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int = 0
    sphere: str = "Liên thông văn bản quốc gia"
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int = 1
    traces: list[Trace] = field(default_factory=list)
    business: Business = field(default_factory=Business)
    attachments: list[AttachmentFile] = field(default_factory=list)
    document_id: str = ""

    def __post_init__(self) -> None:
        if not self.document_id:
            self.document_id = document_id_for(
                self.sender.organ_id,
                self.promulgation_date,
                self.code_number,
                self.code_notation,
            )

    @property
    def number_and_symbol(self) -> str:
        return (
            f"{self.code_number}/{self.code_notation}" if self.code_number else self.code_notation
        )


@dataclass
class Status:
    """A status (feedback) message about a document."""

    response_for: ResponseFor
    sender: Organ
    code: str
    description: str = ""
    timestamp: datetime | None = None
    staff: Staff = field(default_factory=Staff)

    @property
    def meaning(self) -> str:
        return STATUS_MEANINGS.get(self.code, "")


def document_id_for(organ_id: str, issued: date | None, number: str, notation: str) -> str:
    """`<issuer OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>` as the axis SDK forms it."""
    day = issued.strftime("%Y/%m/%d") if issued else ""
    code = f"{number}/{notation}" if number else notation
    return f"{organ_id},{day},{code}"
