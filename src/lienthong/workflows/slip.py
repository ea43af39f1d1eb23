"""The printable “Phiếu giải quyết văn bản đến” (Decree 30/2020, Phụ lục IV.VII) of an incoming
document, filled in from its assignments and history, as a PDF through WeasyPrint.

The headings are the legal form's wording, so they are Vietnamese constants and are not
translated with the user interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone

from lienthong.documents.models import Document

from .constants import AssignmentRole, AssignmentState, EntryKind
from .models import Assignment, ProcessingEntry

TITLE = "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN"
ROLE_WORDS = {
    AssignmentRole.LEAD: "chủ trì",
    AssignmentRole.SUPPORT: "phối hợp",
    AssignmentRole.INFORMATION: "để biết",
}


@dataclass
class Signature:
    """Who gave an opinion and when: “Ngày 12/02/2026 — Nguyễn Văn A (theo ủy quyền của …)”."""

    day: str
    name: str


@dataclass
class LeaderSection:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    information: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)


@dataclass
class UnitSection:
    unit: str
    people: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)


@dataclass
class Proposal:
    text: str
    signature: Signature


@dataclass
class Slip:
    governing_body: str
    agency_name: str
    document_line: str
    subject: str
    arrival_line: str
    leader: LeaderSection
    units: list[UnitSection]
    proposals: list[Proposal]
    results: list[str]
    printed_on: str


def vn_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _signer(assignment: Assignment | ProcessingEntry, who: object) -> str:
    name = str(who)
    if assignment.on_behalf_of is not None:
        name += f" (theo ủy quyền của {assignment.on_behalf_of})"
    return name


def _with_deadline(assignment: Assignment) -> str:
    if assignment.deadline is None:
        return assignment.assignee_name
    return f"{assignment.assignee_name} — thời hạn: {vn_date(assignment.deadline)}"


def _add_signature(signatures: list[Signature], assignment: Assignment) -> None:
    signature = Signature(
        day=vn_date(assignment.assigned_at), name=_signer(assignment, assignment.assigned_by)
    )
    if signature not in signatures:
        signatures.append(signature)


def _add_instruction(instructions: list[str], text: str) -> None:
    if text and text not in instructions:
        instructions.append(text)


def build_slip(document: Document) -> Slip:
    agency = document.agency
    assignments = list(
        Assignment.objects.filter(document=document)
        .exclude(state=AssignmentState.RETURNED)
        .select_related(
            "assignee_unit",
            "assignee_user",
            "assigned_by",
            "on_behalf_of",
            "reply_document",
            "reply_document__document_type",
        )
        .order_by("assigned_at", "id")
    )
    leader = LeaderSection()
    units: dict[int, UnitSection] = {}
    for assignment in assignments:
        if assignment.parent_id is None:
            section_list = {
                AssignmentRole.LEAD: leader.lead,
                AssignmentRole.SUPPORT: leader.support,
                AssignmentRole.INFORMATION: leader.information,
            }[AssignmentRole(assignment.role)]
            section_list.append(_with_deadline(assignment))
            _add_instruction(leader.instructions, assignment.instruction)
            _add_signature(leader.signatures, assignment)
    by_id = {a.pk: a for a in assignments}
    for assignment in assignments:
        parent = by_id.get(assignment.parent_id or 0)
        if parent is None or parent.assignee_unit is None:
            continue
        section = units.setdefault(parent.pk, UnitSection(unit=parent.assignee_name))
        section.people.append(
            f"{_with_deadline(assignment)} ({ROLE_WORDS[AssignmentRole(assignment.role)]})"
        )
        _add_instruction(section.instructions, assignment.instruction)
        _add_signature(section.signatures, assignment)
    proposals = [
        Proposal(
            text=entry.text,
            signature=Signature(day=vn_date(entry.at), name=_signer(entry, entry.actor)),
        )
        for entry in ProcessingEntry.objects.filter(document=document, kind=EntryKind.PROPOSAL)
        .select_related("actor", "on_behalf_of")
        .order_by("at", "id")
    ]
    results = []
    for assignment in assignments:
        if assignment.parent_id is not None or assignment.state != AssignmentState.COMPLETED:
            continue
        finished = vn_date(assignment.finished_at or assignment.assigned_at)
        line = f"{assignment.assignee_name}: hoàn thành ngày {finished}"
        reply = assignment.reply_document
        if reply is not None:
            number = reply.number_and_symbol or "(chưa cấp số)"
            line += f"; văn bản trả lời: {reply.document_type.name} {number}"
            if reply.issued_date:
                line += f" ngày {vn_date(reply.issued_date)}"
        results.append(line)
    document_line = f"{document.document_type.name} số {document.number_and_symbol or '—'}"
    if document.issued_date:
        document_line += f" ngày {vn_date(document.issued_date)}"
    document_line += f" của {document.issuer_name}"
    arrival = ""
    if document.arrival_number is not None:
        arrival = f"Số đến: {document.arrival_number:02d}"
        if document.arrival_date:
            arrival += f", ngày đến: {vn_date(document.arrival_date)}"
    return Slip(
        governing_body=agency.governing_body_name.upper(),
        agency_name=agency.name.upper(),
        document_line=document_line,
        subject=document.subject,
        arrival_line=arrival,
        leader=leader,
        units=list(units.values()),
        proposals=proposals,
        results=results,
        printed_on=f"In ngày {vn_date(timezone.now())}",
    )


def render_slip_pdf(slip: Slip) -> bytes:
    """A4 portrait, through WeasyPrint; nothing is fetched from outside."""
    # Loaded on first use: WeasyPrint is heavy (Pango, fonts) and only the printout needs it.
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415 - deliberate lazy load

    html = render_to_string("workflows/slip_print.html", {"slip": slip, "title": TITLE})
    fetcher = URLFetcher(allowed_protocols=())
    pdf = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
