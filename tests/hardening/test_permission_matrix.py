"""The permission matrix: every URL name the project defines (read from the resolver) by every
kind of actor by every HTTP method its view answers. Each cell says whether the actor may use the
endpoint on Sở Tư pháp's objects; a refused request must change neither the database nor the
stored files. A URL name missing from `MATRIX` fails the suite, so no endpoint escapes it.

To add an endpoint: give its URL name a `Row` — which object of the world its `pk` names, and
which actors may use it (per method when GET and POST differ). An endpoint that changes state
gets a `body` too (a valid input, on an object in the state it needs), so that the cell proves
who may do it and not only who may see the object."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lienthong.documents.models import Document, NumberAllocation
from lienthong.drafting.models import Draft
from lienthong.mail.models import DigestSubscription, IncomingMail, IntakeRule, Mailbox
from lienthong.onestop.models import Dossier, DossierStep
from lienthong.records.models import CaseFile
from lienthong.reports.models import AgencyReport
from lienthong.workflows.models import Assignment
from tests.conftest import table_counts
from tests.documents import files

from .conftest import FIGURES
from .urls import Endpoint, concrete, endpoints
from .world import ACTORS, World, actor_client

ANYONE = frozenset(ACTORS)
OFFICERS = frozenset(ACTORS) - {"anonymous", "citizen"}  # anyone with an agency
SIGNED_IN = frozenset(ACTORS) - {"anonymous"}
STP = frozenset(
    {"officer", "clerk", "onestop_officer", "unit_leader", "agency_leader", "agency_admin"}
)
CLERK = frozenset({"clerk"})
ONESTOP = frozenset({"onestop_officer"})  # the counter (cán bộ một cửa) of Sở Tư pháp
OFFICER = frozenset({"officer"})
LEADERS = frozenset({"unit_leader", "agency_leader"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Row:
    """Who may use an endpoint. `obj` names the world's object that `pk` stands for; `allow`
    holds for every method unless `post` (POST/PUT/PATCH/DELETE) says otherwise."""

    allow: frozenset[str]
    obj: str | None = None
    post: frozenset[str] | None = None
    extra: dict[str, str] = field(default_factory=dict)  # other URL parameters → world keys
    signs_out: bool = False  # its answer is the sign-in page (sign-out)
    # A valid input for the action (POST/PUT/PATCH/DELETE), on an object in the state the action
    # needs: the allowed actors must perform it (2xx/3xx, the database changes), every other
    # actor must be refused (401/403/404, or the page's error message) with nothing changed.
    body: Callable[[World], dict[str, Any]] | None = None
    # Actors for whom the body is not valid, so that the answer to it is the form's or the
    # API's validation error (200 with the form again, or 400), not 403/404: an official of
    # another agency, or one with no unit, naming Sở Tư pháp's people or units.
    invalid: frozenset[str] = frozenset()

    def allowed(self, method: str) -> frozenset[str]:
        return self.allow if method == "GET" or self.post is None else self.post


# Sở Tư pháp's people who read its drafts in review: the drafter, their unit's leader, the
# signer; and its directory (agencies, units, users) seen by its members and the system admin.
DRAFT_READERS = frozenset({"officer", "unit_leader", "agency_leader"})
# Who manages a case file: its creator, the agency's clerk and leaders, the unit's leader (not
# the administrator, nor the counter, who keeps no files).
STP_STAFF = STP - {"agency_admin", "onestop_officer"}
DIRECTORY = STP | {"system_admin"}
# Opening a case file is the work of the people who keep them (not leaders or administrators).
FILE_OPENERS = frozenset({"clerk", "officer", "other_agency", "unit_leader"})
# The one-stop shop. `dossier` is the citizen's own, filed on line to Sở Tư pháp and received at
# the counter; its processing step is in the specialist's unit (HCTP). The officials who see it:
# the agency-wide roles, the unit on its route, the system administrator; never another agency.
# The world holds one of the citizen's dossiers at each further stage (`dossier_submitted`,
# `dossier_proposed`...): each action is posted with a valid body to a dossier it may be done to,
# so the matrix proves who may act, not only who may see. Another applicant's dossier: see
# test_an_applicant_is_refused_another_applicants_dossier.
APPLICANT = frozenset({"citizen"})
DOSSIER_OFFICIALS = STP | {"system_admin"}
SEES_DOSSIER = DOSSIER_OFFICIALS | APPLICANT
# Who may act on a dossier's step in processing: the leader of its unit (HCTP) or the agency's
# leader (assign, approve, stop); the specialist it was given to (propose, consult); the unit
# asked for an opinion (VP: its clerk and the agency administrator) answers.
STEP_LEADERS = LEADERS
VP_MEMBERS = frozenset({"clerk", "agency_admin"})
REPORT_READERS = frozenset({"agency_leader", "system_admin"})
CATALOGUE_EDITORS = frozenset({"agency_admin", "system_admin"})
SYSTEM_ADMIN = frozenset({"system_admin"})
SYNC_VIEWERS = frozenset({"onestop_officer", "agency_admin", "system_admin"})


# Periodic reporting (reports app): who uses it among the actors, and a filled-in copy of the form.
PERIODIC_USERS = frozenset({"agency_leader", "system_admin"})
STP_LEADER = frozenset({"agency_leader"})


def _report_upload(w: World) -> dict[str, Any]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Báo cáo"])
    sheet.append(["Mã", "Tên", "ĐVT", "Giá trị", "Ghi chú"])
    sheet.append(["DOCS", "Văn bản đến", "văn bản", 7, ""])
    out = io.BytesIO()
    book.save(out)
    return {"file": SimpleUploadedFile("bao-cao.xlsx", out.getvalue())}


def _pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.text_pdf("Giấy tờ"), content_type="application/pdf")


def _later(w: World) -> datetime:
    due = Dossier.objects.get(pk=w.ids["dossier"]).due_at
    assert due is not None
    return timezone.localtime(due + timedelta(days=7)).replace(second=0, microsecond=0)


# Valid inputs of the dossier actions (API and pages), keyed by the action.
REASON = {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết."}
ITEMS = {"items": "Bản sao căn cước công dân", "reason": "Thiếu giấy tờ tùy thân."}
RATING = {"satisfaction": 3, "staff_attitude": 4}
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "none": lambda w: {},
    "reason": lambda w: REASON,
    "no_reason": lambda w: {"reason": ""},
    "items": lambda w: ITEMS,
    "handler": lambda w: {"handler": w.ids["user"]},
    "consult": lambda w: {"unit": w.ids["unit_vp"], "question": "Văn phòng cho ý kiến?", "days": 1},
    "answer": lambda w: {"consultation": w.ids["consultation"], "answer": "Thống nhất."},
    "text": lambda w: {"text": "Đủ điều kiện cấp phiếu."},
    "note": lambda w: {"note": "Đồng ý."},
    "apology": lambda w: {"reason": "Chờ xác minh.", "new_due_at": _later(w).isoformat()},
    "result": lambda w: {"document_type": w.ids["document_type"], "file": _pdf(), "subject": ""},
    "return": lambda w: {"channel": "online"},
    "rating": lambda w: RATING,
    "paper": lambda w: {"file": _pdf()},
    # The incoming document's assignment to HCTP (workflows).
    "progress": lambda w: {"note": "Đang lấy ý kiến các phòng."},
    "give_back": lambda w: {"reason": "Không thuộc lĩnh vực của phòng.", "to": "assigner"},
    "hand_on": lambda w: {"assignees": [{"role": "lead", "user": w.ids["user"]}]},
}


def _today() -> str:
    return timezone.localdate().isoformat()


def _retention(w: World) -> int:
    return int(w.ids["retention_period"])


# Valid inputs of the actions of documents, drafting and records (pages and API).
INCOMING = {
    "issuer_name": "UBND huyện Trần Văn Thời",
    "code_number": "55",
    "code_notation": "UBND-VP",
    "issued_date": "2026-11-20",
    "subject": "V/v cung cấp hồ sơ lý lịch tư pháp",
    "urgency": 0,
    "confidentiality": 0,
}
PARTICULARS = {
    "subject": "V/v phối hợp tuyên truyền pháp luật",
    "urgency": 0,
    "confidentiality": 0,
    "external_recipients": "UBND các huyện",
}
CLERK_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "incoming": lambda w: INCOMING | {"document_type": w.ids["document_type"]},
    "outgoing": lambda w: (
        PARTICULARS | {"document_type": w.ids["document_type"], "drafting_unit": w.ids["hctp"]}
    ),
    "issue": lambda w: {"issued_date": _today()},
    "attach": lambda w: {"file": _pdf("ban-scan.pdf"), "title": "Bản scan"},
    "reserve": lambda w: {"note": "Dự phòng cho quyết định khen thưởng"},
    "release": lambda w: {"reason": "Không dùng đến.", "allocation": w.ids["allocation"]},
    # The exchange between agencies (liên thông): accept or return a delivered document, recall
    # an issued one, agree to the sender's recall.
    "accept": lambda w: {},
    "return": lambda w: {"reason": "Gửi nhầm cơ quan."},
    "recall": lambda w: {"reason": "Sai sót về thể thức."},
    "agree": lambda w: {"agree": "1", "reason": ""},
    "agree_api": lambda w: {"agree": True, "reason": ""},
}
DRAFT_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "new": lambda w: (
        PARTICULARS
        | {
            "document_type": w.ids["document_type"],
            "signer": w.ids["leader_user"],
            "signing_authority": "none",
        }
    ),
    "edit": lambda w: (
        PARTICULARS
        | {
            "document_type": w.ids["document_type"],
            "signer": w.ids["leader_user"],
            "signing_authority": "none",
            "subject": "V/v phối hợp kết nối phần mềm (sửa)",
        }
    ),
    "patch": lambda w: {"subject": "V/v phối hợp kết nối phần mềm (sửa)"},
    "version": lambda w: {"file": _pdf("du-thao-2.pdf"), "note": "Sửa theo góp ý"},
    "comment": lambda w: {"comment": "Thống nhất nội dung."},
    "approve": lambda w: {"decision": "approve", "comment": ""},
    "units": lambda w: {"units": [w.ids["vp"]], "mode": "parallel", "comment": ""},
    "withdraw": lambda w: {"comment": "Không ban hành nữa.", "reason": "Không ban hành nữa."},
    "issue": lambda w: {"issued_date": _today()},
}
RECORD_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "open": lambda w: {
        "title": "Hồ sơ phối hợp tuyên truyền năm 2026",
        "notation": "03.HCTP",
        "year": 2026,
        "retention": _retention(w),
        "rights": "public",
        "language": "Tiếng Việt",
    },
    "close": lambda w: {"title": "Hồ sơ kiện toàn tổ chức năm 2026", "retention": _retention(w)},
    "reason": lambda w: {"reason": "Bổ sung văn bản còn thiếu.", "ordinal": 1},
    "document": lambda w: {"document": w.ids["outgoing"]},
    "catalog": lambda w: {"year": 2027, "numbering": "per_heading"},
    "entry": lambda w: {
        "unit": w.ids["hctp"],
        "title": "Hồ sơ hướng dẫn nghiệp vụ hộ tịch",
        "retention": _retention(w),
    },
}
# Officials of other agencies, and the system administrator (of the province, no unit), are
# answered by validation: the body names Sở Tư pháp's signer, units or entries, which are not
# theirs to choose.
NOT_OURS = frozenset({"other_agency", "system_admin"})
DRAFTERS = STP - {"agency_leader"}  # every official of Sở Tư pháp with a unit
SIGNER = frozenset({"agency_leader"})  # the drafts' designated signer
# Who keeps the agency's file catalogue (danh mục hồ sơ): its clerk and its leader.
CATALOG_KEEPERS = frozenset({"agency_leader", "clerk"})
DRAFT_WITHDRAWERS = frozenset({"officer", "unit_leader", "agency_leader"})

# The workflows: an incoming document not yet presented or assigned is presented by the clerk to
# the agency's leader, and assigned by the leader to a unit (HCTP to lead); the assignment given
# to HCTP is completed by its leader.
WORKFLOW_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "present": lambda w: {"leader": w.ids["leader_user"], "note": "Kính trình Giám đốc."},
    "present_api": lambda w: {
        "document": w.ids["incoming_new"],
        "leader": w.ids["leader_user"],
        "note": "Kính trình Giám đốc.",
    },
    "assign": lambda w: {
        "lead": f"unit:{w.ids['hctp']}",
        "instruction": "Phòng HCTP chủ trì tham mưu.",
        "working_days": 5,
    },
    "assign_api": lambda w: {
        "document": w.ids["incoming_new"],
        "assignees": [{"role": "lead", "unit": w.ids["hctp"]}],
        "instruction": "Phòng HCTP chủ trì tham mưu.",
        "working_days": 5,
    },
    "complete": lambda w: {"note": "Đã tham mưu văn bản trả lời."},
    "reassign": lambda w: {"lead": str(w.ids["user"]), "instruction": "Chuyên viên xử lý."},
}


# Filing a dossier: on line by the applicant, or at the counter for an applicant who came in
# person (one file field per paper the procedure asks for).
def _filing(w: World) -> dict[str, Any]:
    return {
        "token": str(uuid.uuid4()),
        "subject": "Cấp phiếu lý lịch tư pháp số 1",
        "copies": 1,
        f"component_{w.ids['procedure_component']}": _pdf("to-khai.pdf"),
    }


FILING_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "api": lambda w: {"procedure": w.ids["procedure"], "idempotency_key": str(uuid.uuid4())},
    "api_counter": lambda w: {
        "procedure": w.ids["procedure"],
        "idempotency_key": str(uuid.uuid4()),
        "applicant_kind": "citizen",
        "applicant_name": "Phạm Văn Đến",
        "applicant_id_number": "096188000999",
        "applicant_phone": "0913000999",
    },
    "online": lambda w: _filing(w) | {"submit": "1"},
    "counter": lambda w: (
        _filing(w)
        | {
            "procedure": w.ids["procedure"],
            "kind": "citizen",
            "name": "Phạm Văn Đến",
            "id_number": "096188000999",
            "phone": "0913000999",
        }
    ),
}

# The assignment is the unit's (HCTP): its leader handles it, records progress, gives it back
# or hands it on to the unit's people.
UNIT_HANDLER = frozenset({"unit_leader"})

TASK_OWNERS = LEADERS  # the HCTP unit's leader, and the agency's leader
TASK_GIVER = frozenset({"agency_leader"})
TASK_BODIES: dict[str, Any] = {
    "give": lambda w: {
        "title": "Báo cáo công tác chứng thực",
        "owner": f"user:{w.ids['user']}",
        "working_days": "5",
    },
    "progress": {"progress": "40", "note": "Đang tổng hợp."},
    "extension": {"extra_working_days": "5", "reason": "Chờ số liệu."},
    "decide": {"decision": "approve", "note": ""},
    "complete": {"report": "Đã hoàn thành."},
    "evaluate": {"decision": "accept", "rating": "good", "remarks": ""},
    "cancel": {"reason": "Không còn cần thiết."},
}


# Official e-mail (lienthong.mail): the clerk's mail received, the agency administrator's
# mailboxes, the valid inputs of its actions.
MAIL_USERS = frozenset({"clerk", "agency_admin"})
MAILBOX_ADMINS = frozenset({"agency_admin"})
MAIL_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "register": lambda w: {
        "document_type": w.ids["document_type"],
        "issuer_name": "Sở Tư pháp",
        "code_number": "77",
        "code_notation": "STP-HCTP",
        "issued_date": "2026-11-20",
        "subject": "V/v triển khai phần mềm",
        "urgency": "0",
        "confidentiality": "0",
    },
    "dismiss": lambda w: {"reason": "Thư quảng cáo"},
    "mailbox": lambda w: {
        "address": "hopthu2@stp.camau.gov.vn",
        "host": "mail.camau.gov.vn",
        "port": "993",
        "security": "ssl",
        "username": "hopthu2",
        "secret": "mat-khau",
        "folder": "INBOX",
    },
    "recipient": lambda w: {"address": "moi@abc.vn", "name": "Công ty ABC"},
    "rule": lambda w: {"position": "3", "sender_pattern": "*@stp.camau.gov.vn", "action": "ignore"},
}

# Meetings (tests/meetings/world.py): the meeting's chair (Sở Tư pháp's leader) and the
# specialist invited by name see it.
CHAIR = frozenset({"agency_leader"})
MEETING_PEOPLE = CHAIR | OFFICER
MEETING_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "entry": lambda w: {
        "starts_at": "2030-01-07T08:00",
        "ends_at": "2030-01-07T10:00",
        "place": "Phòng họp",
        "content": "Họp",
    },
    "room": lambda w: {"name": "Phòng họp mới", "kind": "physical", "capacity": "10"},
}


MATRIX: dict[str, Row] = {
    "agency-detail": Row(DIRECTORY, obj="agency"),
    "api-docs": Row(ANYONE),
    "api-schema": Row(ANYONE),
    "dashboard": Row(SIGNED_IN),  # an applicant is led to their own dossiers
    "catalogue:form-download": Row(ANYONE, obj="procedure", extra={"form_pk": "form_pk"}),
    "catalogue:home": Row(ANYONE),
    "catalogue:import": Row(CATALOGUE_EDITORS),
    "catalogue:import-template": Row(CATALOGUE_EDITORS),
    "catalogue:procedure": Row(ANYONE, obj="procedure"),
    "citizen:action": Row(
        APPLICANT, obj="dossier", extra={"action": "citizen_action"}, body=BODIES["no_reason"]
    ),
    # The dossier's papers and forms have one view behind the citizen's and the counter's URL.
    "citizen:component": Row(
        SEES_DOSSIER, obj="dossier", extra={"component_pk": "dossier_component"}
    ),
    "citizen:file": Row(APPLICANT, obj="procedure", body=FILING_BODIES["online"]),
    "citizen:form-pdf": Row(SEES_DOSSIER, obj="dossier", extra={"form": "printout"}),
    "citizen:my-dossier": Row(APPLICANT, obj="dossier"),
    "citizen:my-dossiers": Row(APPLICANT),
    "citizen:sign-up": Row(ANYONE),
    "citizen:track": Row(ANYONE),
    # The sealed result: the applicant and the officials who see the dossier (none yet here:
    # they are sent back to the dossier's page); behind tracking's signed link for anyone who
    # holds one; the public file check.
    "citizen:result": Row(SEES_DOSSIER, obj="dossier"),
    "citizen:track-result": Row(ANYONE),
    "citizen:check-file": Row(ANYONE),
    "onestop:action": Row(
        ONESTOP, obj="dossier_submitted", extra={"action": "counter_action"}, body=BODIES["none"]
    ),
    "onestop:book": Row(ONESTOP),
    "onestop:component": Row(
        DOSSIER_OFFICIALS, obj="dossier", extra={"component_pk": "dossier_component"}
    ),
    "onestop:dossier": Row(DOSSIER_OFFICIALS, obj="dossier"),
    "onestop:result": Row(DOSSIER_OFFICIALS, obj="dossier"),
    "onestop:form-pdf": Row(DOSSIER_OFFICIALS, obj="dossier", extra={"form": "printout"}),
    "onestop:intake": Row(ONESTOP, body=FILING_BODIES["counter"]),
    "onestop:queue": Row(OFFICERS),
    "payments:detail": Row(APPLICANT, obj="txn_ref"),
    "payments:gateway-ipn": Row(ANYONE),
    "payments:gateway-return": Row(ANYONE),
    "reports:onestop": Row(REPORT_READERS),
    "reports:onestop-xlsx": Row(REPORT_READERS),
    "signatures:add-credential": Row(OFFICERS, post=CATALOGUE_EDITORS),
    "signatures:add-trust": Row(OFFICERS, post=SYSTEM_ADMIN),
    "signatures:index": Row(OFFICERS),
    # Kiểm tra lại: whoever sees the document the file is attached to (its chokepoint).
    # A remote signing service's callback: authenticated by its HMAC, never by a session.
    "signatures:remote-callback": Row(NOBODY, extra={"provider": "remote_provider"}),
    "signatures:recheck": Row(STP, obj="verification", body=lambda w: {}),
    "signatures:revoke": Row(OFFICERS, post=CATALOGUE_EDITORS),
    "v1:catalogue-procedure-detail": Row(ANYONE, obj="procedure", post=CATALOGUE_EDITORS),
    "v1:catalogue-procedure-list": Row(ANYONE, post=CATALOGUE_EDITORS),
    "v1:catalogue-procedure-publish": Row(CATALOGUE_EDITORS, obj="procedure"),
    "v1:catalogue-procedure-unpublish": Row(CATALOGUE_EDITORS, obj="procedure"),
    "v1:catalogue-sector-detail": Row(ANYONE, obj="sector", post=SYSTEM_ADMIN),
    "v1:catalogue-sector-list": Row(ANYONE, post=SYSTEM_ADMIN),
    "v1:dossier-answer": Row(VP_MEMBERS, obj="dossier_assigned", body=BODIES["answer"]),
    "v1:dossier-apologise": Row(
        frozenset({"agency_leader"}), obj="dossier", body=BODIES["apology"]
    ),
    "v1:dossier-approve": Row(STEP_LEADERS, obj="dossier_proposed", body=BODIES["note"]),
    "v1:dossier-assign": Row(STEP_LEADERS, obj="dossier", body=BODIES["handler"]),
    "v1:dossier-consult": Row(OFFICER, obj="dossier_assigned", body=BODIES["consult"]),
    "v1:dossier-detail": Row(SEES_DOSSIER, obj="dossier"),
    "v1:dossier-list": Row(SIGNED_IN, post=APPLICANT, body=FILING_BODIES["api"], invalid=ONESTOP),
    "v1:dossier-papers": Row(APPLICANT, obj="dossier_draft", body=BODIES["paper"]),
    "v1:dossier-propose": Row(OFFICER, obj="dossier_assigned", body=BODIES["text"]),
    "v1:dossier-rate": Row(APPLICANT, obj="dossier_returned", body=BODIES["rating"]),
    "v1:dossier-receive": Row(ONESTOP, obj="dossier_submitted", body=BODIES["none"]),
    "v1:dossier-refuse": Row(ONESTOP, obj="dossier_submitted", body=BODIES["reason"]),
    "v1:dossier-resubmit": Row(APPLICANT, obj="dossier_supplied", body=BODIES["none"]),
    "v1:dossier-result": Row(CLERK, obj="dossier_approved", body=BODIES["result"]),
    "v1:dossier-return-result": Row(ONESTOP, obj="dossier_done", body=BODIES["return"]),
    "v1:dossier-submit": Row(APPLICANT, obj="dossier_draft", body=BODIES["none"]),
    "v1:dossier-supplement": Row(ONESTOP, obj="dossier_submitted", body=BODIES["items"]),
    "v1:dossier-withdraw": Row(APPLICANT, obj="dossier", body=BODIES["no_reason"]),
    "v1:payment-detail": Row(APPLICANT, obj="txn_ref"),
    "v1:payment-list": Row(SIGNED_IN),
    "v1:report-one-stop": Row(REPORT_READERS),
    "v1:signature-list": Row(OFFICERS),
    "v1:signature-sign": Row(OFFICERS),
    "v1:signature-verify": Row(OFFICERS),
    "v1:tracking": Row(ANYONE),
    "documents:add-attachment": Row(CLERK, obj="document", body=CLERK_BODIES["attach"]),
    "documents:detail": Row(STP, obj="document"),
    "documents:file": Row(STP, obj="attachment_version"),
    "documents:incoming": Row(OFFICERS),
    "documents:issue": Row(CLERK, obj="outgoing_draft", body=CLERK_BODIES["issue"]),
    "documents:outgoing": Row(OFFICERS),
    "documents:record-outgoing": Row(CLERK, body=CLERK_BODIES["outgoing"]),
    "documents:register": Row(STP, obj="register"),
    "documents:register-incoming": Row(CLERK, body=CLERK_BODIES["incoming"]),
    "documents:registers": Row(OFFICERS),
    "documents:release": Row(CLERK, obj="register", body=CLERK_BODIES["release"]),
    "documents:reserve": Row(CLERK, obj="register", body=CLERK_BODIES["reserve"]),
    "documents:search": Row(OFFICERS),
    "drafting:all": Row(OFFICERS),
    "drafting:awaiting": Row(OFFICERS),
    "drafting:comment": Row(UNIT_HANDLER, obj="draft_commenting", body=DRAFT_BODIES["comment"]),
    # Any official drafts in their own unit; the agency's leader (no unit of their own) is asked
    # for the drafting unit, which only the API takes, so the page answers with the form's error.
    "drafting:create": Row(
        OFFICERS, post=DRAFTERS, body=DRAFT_BODIES["new"], invalid=NOT_OURS | {"agency_leader"}
    ),
    "drafting:detail": Row(DRAFT_READERS, obj="draft"),
    "drafting:edit": Row(OFFICER, obj="draft", body=DRAFT_BODIES["edit"]),
    "drafting:file": Row(DRAFT_READERS, obj="draft_version"),
    "drafting:issue": Row(CLERK, obj="draft_approved", body=DRAFT_BODIES["issue"]),
    "drafting:mine": Row(OFFICERS),
    "drafting:request-comments": Row(
        UNIT_HANDLER, obj="draft_reviewed", body=DRAFT_BODIES["units"]
    ),
    "drafting:review": Row(UNIT_HANDLER, obj="draft_in_review", body=DRAFT_BODIES["approve"]),
    "drafting:send-to-signer": Row(
        UNIT_HANDLER, obj="draft_reviewed", body=DRAFT_BODIES["comment"]
    ),
    "drafting:sign": Row(SIGNER, obj="draft_to_sign", body=DRAFT_BODIES["approve"]),
    # Ký số after an approval without it: only who approved (no valid body: the world has no
    # certificates; tests/drafting/test_signing_policy.py signs).
    "drafting:sign-digitally": Row(SIGNER, obj="draft_approved"),
    # Ký số từ xa: only the signer (no valid body: the world has no remote credential;
    # tests/signatures/test_remote_signing.py signs through the simulator).
    "drafting:remote-sign": Row(SIGNER, obj="draft_to_sign"),
    "drafting:remote-refresh": Row(SIGNER, obj="draft_to_sign"),
    "drafting:remote-abandon": Row(SIGNER, obj="draft_to_sign"),
    # Gửi văn bản thay thế: a replacement draft of an issued document, by its agency's people.
    "drafting:replace": Row(STP, obj="outgoing"),
    # Soạn văn bản trả lời: a draft answering a registered incoming document of the agency.
    "drafting:reply": Row(STP, obj="incoming_new"),
    "drafting:submit": Row(OFFICER, obj="draft", body=DRAFT_BODIES["comment"]),
    "drafting:upload": Row(OFFICER, obj="draft", body=DRAFT_BODIES["version"]),
    "drafting:withdraw": Row(DRAFT_WITHDRAWERS, obj="draft", body=DRAFT_BODIES["withdraw"]),
    "exchange:accept": Row(CLERK, obj="delivered", body=CLERK_BODIES["accept"]),
    "exchange:answer-recall": Row(CLERK, obj="recalled", body=CLERK_BODIES["agree"]),
    "exchange:recall": Row(CLERK, obj="outgoing", body=CLERK_BODIES["recall"]),
    "exchange:reject": Row(CLERK, obj="delivered", body=CLERK_BODIES["return"]),
    "health": Row(ANYONE),
    "home": Row(ANYONE),  # the public front door; signed in, each is led to their start page
    "login": Row(ANYONE),
    "staff-login": Row(ANYONE),
    # Forgotten passwords: public pages (the link's uid and token: any text, an invalid link).
    "password-reset": Row(ANYONE),
    "password-reset-sent": Row(ANYONE),
    "password-reset-confirm": Row(ANYONE, extra={"uidb64": "printout", "token": "remote_provider"}),
    "password-reset-complete": Row(ANYONE),
    "logout": Row(ANYONE, signs_out=True),
    "notifications:bell": Row(SIGNED_IN),
    "notifications:list": Row(SIGNED_IN),
    "notifications:mark-all-read": Row(SIGNED_IN),
    "notifications:mark-read": Row(frozenset({"officer"}), obj="notification"),
    "notifications:open": Row(frozenset({"officer"}), obj="notification"),
    "notifications:preferences": Row(SIGNED_IN),
    "records:add-document": Row(STP_STAFF, obj="case_file", body=RECORD_BODIES["document"]),
    "records:add-entry": Row(CATALOG_KEEPERS, obj="catalog", body=RECORD_BODIES["entry"]),
    "records:catalog": Row(OFFICERS),
    "records:close": Row(STP_STAFF, obj="case_file", body=RECORD_BODIES["close"]),
    "records:create-catalog": Row(OFFICERS, post=CATALOG_KEEPERS, body=RECORD_BODIES["catalog"]),
    "records:detail": Row(STP, obj="case_file"),
    "records:export": Row(STP, obj="case_file"),
    "records:list": Row(OFFICERS),
    "records:mine": Row(OFFICERS),
    "records:open": Row(FILE_OPENERS, body=RECORD_BODIES["open"]),
    "records:reopen": Row(
        STP, obj="case_file_closed", post=STP_STAFF, body=RECORD_BODIES["reason"]
    ),
    "records:retention": Row(OFFICERS),
    "records:withdraw": Row(STP_STAFF, obj="case_file", body=RECORD_BODIES["reason"]),
    "set_language": Row(ANYONE),
    "user-detail": Row(DIRECTORY, obj="user"),
    # Two-factor sign-in: each official's own pages (a citizen has none: 403); the reset of
    # another official's second factor, by their agency's administrator or a system admin.
    "two-factor": Row(OFFICERS),
    "two-factor-backup-codes": Row(OFFICERS),
    "two-factor-enrol": Row(OFFICERS),
    "two-factor-reset": Row(CATALOGUE_EDITORS, obj="user"),
    "two-factor-verify": Row(OFFICERS),
    "v1:agency-detail": Row(DIRECTORY, obj="agency"),
    "v1:agency-list": Row(OFFICERS),
    "v1:api-root": Row(OFFICERS),
    "v1:assignment-complete": Row(UNIT_HANDLER, obj="assignment", body=WORKFLOW_BODIES["complete"]),
    "v1:assignment-detail": Row(STP, obj="assignment"),
    "v1:assignment-list": Row(
        OFFICERS, post=frozenset({"agency_leader"}), body=WORKFLOW_BODIES["assign_api"]
    ),
    "v1:assignment-present": Row(CLERK, body=WORKFLOW_BODIES["present_api"]),
    "v1:assignment-progress": Row(UNIT_HANDLER, obj="assignment", body=BODIES["progress"]),
    "v1:assignment-reassign": Row(UNIT_HANDLER, obj="assignment", body=BODIES["hand_on"]),
    "v1:assignment-return": Row(UNIT_HANDLER, obj="assignment", body=BODIES["give_back"]),
    "v1:attachment-version-detail": Row(STP, obj="attachment_version"),
    "v1:attachment-version-file": Row(STP, obj="attachment_version"),
    "v1:case-file-close": Row(STP_STAFF, obj="case_file", body=RECORD_BODIES["close"]),
    "v1:case-file-detail": Row(STP, obj="case_file"),
    "v1:case-file-documents": Row(STP_STAFF, obj="case_file", body=RECORD_BODIES["document"]),
    "v1:case-file-export": Row(STP, obj="case_file"),
    "v1:case-file-list": Row(OFFICERS, post=FILE_OPENERS, body=RECORD_BODIES["open"]),
    "v1:case-file-reopen": Row(STP_STAFF, obj="case_file_closed", body=RECORD_BODIES["reason"]),
    "v1:case-file-withdraw": Row(STP_STAFF, obj="case_file", body=RECORD_BODIES["reason"]),
    "v1:document-accept-delivery": Row(CLERK, obj="delivered", body=CLERK_BODIES["accept"]),
    "v1:document-answer-recall": Row(CLERK, obj="recalled", body=CLERK_BODIES["agree_api"]),
    "v1:document-attachments": Row(CLERK, obj="document", body=CLERK_BODIES["attach"]),
    "v1:document-deliveries": Row(STP, obj="outgoing"),
    "v1:document-detail": Row(STP, obj="document"),
    "v1:document-incoming": Row(CLERK, body=CLERK_BODIES["incoming"]),
    "v1:document-issue": Row(CLERK, obj="outgoing_draft", body=CLERK_BODIES["issue"]),
    "v1:document-list": Row(OFFICERS),
    "v1:document-outgoing": Row(CLERK, body=CLERK_BODIES["outgoing"]),
    "v1:document-recall": Row(CLERK, obj="outgoing", body=CLERK_BODIES["recall"]),
    "v1:document-reject-delivery": Row(CLERK, obj="delivered", body=CLERK_BODIES["return"]),
    "v1:document-type-detail": Row(OFFICERS, obj="document_type"),
    "v1:document-type-list": Row(OFFICERS),
    "v1:draft-comment": Row(UNIT_HANDLER, obj="draft_commenting", body=DRAFT_BODIES["comment"]),
    "v1:draft-detail": Row(DRAFT_READERS, obj="draft", post=OFFICER, body=DRAFT_BODIES["patch"]),
    "v1:draft-issue": Row(CLERK, obj="draft_approved", body=DRAFT_BODIES["issue"]),
    "v1:draft-list": Row(
        OFFICERS, post=DRAFTERS, body=DRAFT_BODIES["new"], invalid=NOT_OURS | {"agency_leader"}
    ),
    "v1:draft-request-comments": Row(
        UNIT_HANDLER, obj="draft_reviewed", body=DRAFT_BODIES["units"]
    ),
    "v1:draft-review": Row(UNIT_HANDLER, obj="draft_in_review", body=DRAFT_BODIES["approve"]),
    "v1:draft-send-to-signer": Row(
        UNIT_HANDLER, obj="draft_reviewed", body=DRAFT_BODIES["comment"]
    ),
    "v1:draft-sign-off": Row(SIGNER, obj="draft_to_sign", body=DRAFT_BODIES["approve"]),
    "v1:draft-submit": Row(OFFICER, obj="draft", body=DRAFT_BODIES["comment"]),
    "v1:draft-version-detail": Row(DRAFT_READERS, obj="draft_version"),
    "v1:draft-version-file": Row(DRAFT_READERS, obj="draft_version"),
    "v1:draft-versions": Row(OFFICER, obj="draft", body=DRAFT_BODIES["version"]),
    "v1:draft-withdraw": Row(DRAFT_WITHDRAWERS, obj="draft", body=DRAFT_BODIES["withdraw"]),
    "v1:file-catalog-detail": Row(STP, obj="catalog"),
    "v1:file-catalog-entries": Row(CATALOG_KEEPERS, obj="catalog", body=RECORD_BODIES["entry"]),
    "v1:file-catalog-list": Row(OFFICERS, post=CATALOG_KEEPERS, body=RECORD_BODIES["catalog"]),
    "v1:notification-detail": Row(frozenset({"officer"}), obj="notification"),
    "v1:notification-list": Row(SIGNED_IN),
    "v1:notification-preferences": Row(SIGNED_IN),
    "v1:notification-read": Row(frozenset({"officer"}), obj="notification"),
    "v1:notification-read-all": Row(SIGNED_IN),
    "v1:notification-unread-count": Row(SIGNED_IN),
    "v1:processing-history-list": Row(NOBODY),
    "v1:register-allocations": Row(STP, obj="register"),
    "v1:register-detail": Row(STP, obj="register"),
    "v1:register-list": Row(OFFICERS),
    "v1:register-release": Row(CLERK, obj="register", body=CLERK_BODIES["release"]),
    "v1:register-reserve": Row(CLERK, obj="register", body=CLERK_BODIES["reserve"]),
    "v1:retention-period-detail": Row(OFFICERS, obj="retention_period"),
    "v1:retention-period-list": Row(OFFICERS),
    "v1:unit-detail": Row(DIRECTORY, obj="unit"),
    "v1:unit-list": Row(OFFICERS),
    "v1:user-detail": Row(DIRECTORY, obj="user"),
    "v1:user-list": Row(OFFICERS),
    "v1:user-me": Row(OFFICERS),
    "workflows:assign": Row(
        frozenset({"agency_leader"}), obj="incoming_new", body=WORKFLOW_BODIES["assign"]
    ),
    "workflows:complete": Row(UNIT_HANDLER, obj="assignment", body=WORKFLOW_BODIES["complete"]),
    "workflows:document": Row(STP, obj="document"),
    "workflows:present": Row(CLERK, obj="incoming_new", body=WORKFLOW_BODIES["present"]),
    "workflows:progress": Row(UNIT_HANDLER, obj="assignment", body=BODIES["progress"]),
    "workflows:queue": Row(OFFICERS),
    "workflows:reassign": Row(UNIT_HANDLER, obj="assignment", body=WORKFLOW_BODIES["reassign"]),
    "workflows:return": Row(UNIT_HANDLER, obj="assignment", body=BODIES["give_back"]),
    "workflows:slip": Row(STP, obj="document"),
    # Tasks (nhiệm vụ) Sở Tư pháp's leader gave its HCTP unit: seen by the agency's officials;
    # leaders give tasks (a unit's leader to the unit's people); the unit's leader and the
    # agency's leader report on them; the giver decides extensions, evaluates and cancels.
    "tasks:board": Row(OFFICERS),
    "tasks:statistics": Row(OFFICERS),
    "tasks:create": Row(LEADERS, body=lambda w: TASK_BODIES["give"](w)),
    "tasks:detail": Row(STP, obj="task"),
    "tasks:progress": Row(
        STP, post=TASK_OWNERS, obj="task", body=lambda w: TASK_BODIES["progress"]
    ),
    "tasks:extension": Row(
        STP, post=TASK_OWNERS, obj="task", body=lambda w: TASK_BODIES["extension"]
    ),
    "tasks:decide": Row(
        STP, post=TASK_GIVER, obj="task_pending", body=lambda w: TASK_BODIES["decide"]
    ),
    "tasks:complete": Row(
        STP, post=TASK_OWNERS, obj="task", body=lambda w: TASK_BODIES["complete"]
    ),
    "tasks:evaluate": Row(
        STP, post=TASK_GIVER, obj="task_done", body=lambda w: TASK_BODIES["evaluate"]
    ),
    "tasks:cancel": Row(STP, post=TASK_GIVER, obj="task", body=lambda w: TASK_BODIES["cancel"]),
    "v1:task-list": Row(
        OFFICERS,
        post=LEADERS,
        body=lambda w: {
            "title": "Báo cáo công tác chứng thực",
            "owner_agency": w.stp.pk,
            "owner_user": w.ids["user"],
            "working_days": 5,
        },
    ),
    "v1:task-detail": Row(STP, obj="task"),
    "v1:task-progress": Row(TASK_OWNERS, obj="task", body=lambda w: TASK_BODIES["progress"]),
    "v1:task-extension": Row(TASK_OWNERS, obj="task", body=lambda w: TASK_BODIES["extension"]),
    "v1:task-extension-decision": Row(
        TASK_GIVER, obj="task_pending", body=lambda w: {"approve": True}
    ),
    "v1:task-complete": Row(TASK_OWNERS, obj="task", body=lambda w: TASK_BODIES["complete"]),
    "v1:task-evaluate": Row(
        TASK_GIVER, obj="task_done", body=lambda w: {"accepted": True, "rating": "good"}
    ),
    # IT training: classes are offered to every agency; its nominators are an agency's clerk and
    # leaders. The world holds no class, so an id answers 404 to everyone (the organiser's and
    # the nominators' rights on real classes are tested in tests/training).
    "training:classes": Row(OFFICERS),
    "training:open-class": Row(NOBODY),  # only a training organiser (none among the actors)
    "training:class": Row(NOBODY, extra={"pk": "agency"}),
    "training:nominate": Row(NOBODY, extra={"pk": "agency"}),
    "training:issue": Row(NOBODY, extra={"pk": "agency"}),
    "training:decide": Row(NOBODY, extra={"pk": "agency"}),
    "training:result": Row(NOBODY, extra={"pk": "agency"}),
    "training:attendance": Row(NOBODY, extra={"pk": "agency"}),
    "training:certificate": Row(NOBODY, extra={"pk": "agency"}),
    "training:revoke": Row(NOBODY, extra={"pk": "agency"}),
    "training:verify": Row(NOBODY, extra={"code": "remote_provider"}),  # an unknown code: 404
    "training:my-record": Row(OFFICERS),
    "training:record": Row(
        frozenset({"officer", "clerk", "agency_leader"}), extra={"user_pk": "user"}
    ),
    "training:plan": Row(frozenset({"clerk", "agency_leader"})),
    "training:stats": Row(frozenset({"clerk", "agency_leader"})),
    "training:guide": Row(OFFICERS),
    # ISO 9001: Sở Tư pháp has no quality system in the world and no quality officer among the
    # actors, so its system's pages answer 404 to everyone; audits, findings and actions named
    # by an id that is none of them likewise (tested with real systems in tests/quality).
    "quality:home": Row(NOBODY),
    "quality:audit": Row(NOBODY, extra={"pk": "agency"}),
    "quality:add-finding": Row(NOBODY, extra={"pk": "agency"}),
    "quality:add-action": Row(NOBODY, extra={"pk": "agency"}),
    "quality:my-actions": Row(OFFICERS),  # each official's own (none here)
    "quality:action": Row(NOBODY, extra={"pk": "agency"}),
    "quality:review": Row(NOBODY),
    "quality:report": Row(NOBODY),
    "quality:guide": Row(OFFICERS),
    # --- official e-mail (lienthong.mail) ---
    "mail:index": Row(OFFICERS),
    "mail:inbox": Row(MAIL_USERS),
    "mail:incoming_detail": Row(CLERK, obj="incoming_mail", body=MAIL_BODIES["register"]),
    "mail:dismiss": Row(CLERK, obj="incoming_mail", body=MAIL_BODIES["dismiss"]),
    "mail:eml": Row(CLERK, obj="incoming_mail"),
    "mail:mailboxes": Row(MAILBOX_ADMINS, body=MAIL_BODIES["mailbox"]),
    "mail:mailbox-edit": Row(MAILBOX_ADMINS, obj="mailbox", body=MAIL_BODIES["mailbox"]),
    "mail:draft-recipients": Row(
        DRAFT_READERS, obj="draft", post=OFFICER, body=MAIL_BODIES["recipient"]
    ),
    "mail:remove-recipient": Row(OFFICER, obj="email_recipient", body=lambda w: {}),
    "mail:directory": Row(OFFICERS),
    "mail:directory-vcard": Row(OFFICERS),
    "mail:directory-ldif": Row(OFFICERS),
    # Meetings and schedules (tests/meetings/world.py): Sở Tư pháp's schedule being drafted is
    # seen by its officials and kept by its schedule officer (no actor here); its on-line
    # meeting is seen by its chair (the leader) and the specialist invited by name; the chair
    # organises it, the specialist replies; the feeds are keyed by the agency or by a token.
    "meetings:home": Row(OFFICERS),
    "meetings:schedules": Row(OFFICERS, post=NOBODY, body=lambda w: {"week_start": "2030-01-07"}),
    "meetings:schedule": Row(STP, obj="schedule", post=NOBODY, body=MEETING_BODIES["entry"]),
    "meetings:schedule-action": Row(
        NOBODY, obj="schedule", extra={"action": "schedule_action"}, body=BODIES["none"]
    ),
    "meetings:entry-edit": Row(NOBODY, obj="schedule_entry", body=MEETING_BODIES["entry"]),
    "meetings:entry-cancel": Row(NOBODY, obj="schedule_entry", body=BODIES["none"]),
    # (A citizen's session is kept out of the officials' pages, feeds included.)
    "meetings:agency-feed": Row(ANYONE - {"citizen"}, extra={"agency_pk": "stp_pk"}),
    "meetings:feed": Row(ANYONE - {"citizen"}, extra={"token": "calendar_token"}),
    "meetings:my-calendar": Row(OFFICERS),
    "meetings:rooms": Row(OFFICERS, post=NOBODY, body=MEETING_BODIES["room"]),
    "meetings:book": Row(NOBODY, body=MEETING_BODIES["room"]),
    "meetings:bbb-hook": Row(NOBODY, body=lambda w: {"event": "[]"}),
    "meetings:detail": Row(MEETING_PEOPLE, obj="meeting"),
    "meetings:invite": Row(
        MEETING_PEOPLE, post=CHAIR, obj="meeting", body=lambda w: {"users": [w.ids["invitee"]]}
    ),
    "meetings:reply": Row(
        MEETING_PEOPLE,
        post=OFFICER,
        obj="meeting",
        extra={"participant_pk": "meeting_participant"},
        body=lambda w: {"answer": "attend"},
    ),
    "meetings:agenda-add": Row(
        MEETING_PEOPLE, post=CHAIR, obj="meeting", body=lambda w: {"title": "Mục mới"}
    ),
    "meetings:agenda-file": Row(MEETING_PEOPLE, obj="meeting", extra={"item_pk": "agenda_item"}),
    "meetings:attendance": Row(MEETING_PEOPLE, post=CHAIR, obj="meeting"),
    "meetings:draft-document": Row(
        MEETING_PEOPLE, post=CHAIR, obj="meeting", body=lambda w: {"kind": "invitation"}
    ),
    "meetings:cancel": Row(
        MEETING_PEOPLE, post=CHAIR, obj="meeting", body=lambda w: {"reason": "Lãnh đạo bận"}
    ),
    "meetings:join": Row(MEETING_PEOPLE, obj="meeting"),
    "meetings:end-video": Row(MEETING_PEOPLE, post=CHAIR, obj="meeting"),
    "v1:schedule-list": Row(OFFICERS),
    "v1:schedule-detail": Row(STP, obj="schedule"),
    "v1:room-list": Row(OFFICERS, post=NOBODY, body=MEETING_BODIES["room"]),
    "v1:meeting-list": Row(
        OFFICERS,
        post=NOBODY,
        body=lambda w: {
            "title": "Họp",
            "starts_at": "2030-01-07T08:00:00+07:00",
            "ends_at": "2030-01-07T09:00:00+07:00",
            "chair": w.ids["invitee"],
            "video_provider": "jitsi",
        },
    ),
    "v1:meeting-detail": Row(MEETING_PEOPLE, obj="meeting"),
    "v1:meeting-reply": Row(
        MEETING_PEOPLE,
        post=OFFICER,
        obj="meeting",
        body=lambda w: {"participant": w.ids["meeting_participant"], "answer": "attend"},
    ),
    # The national public-service portal (dvcqg): the sync state is read by the agency's counter
    # and administrator and the system administrator; the retry names a dossier of theirs (with
    # nothing to retry, the page says so); the pull is the counter's (not configured in the
    # tests: it says so). The procedures' national codes are read by every official.
    "dvcqg:sync": Row(SYNC_VIEWERS),
    "dvcqg:retry": Row(SYNC_VIEWERS, obj="dossier"),
    "dvcqg:pull": Row(ONESTOP),
    "v1:dvcqg-push-list": Row(SYNC_VIEWERS),
    "v1:dvcqg-procedure-code-list": Row(OFFICERS),
    # Periodic reporting: the province collects a yearly form from Sở Tư pháp. Its leader fills
    # in and submits the department's report (it has no reporting officer); the system
    # administrator sees every report, form and period and opens periods, but fills in nobody's
    # report; accepting or returning is for the province's reporting officer or leader (none of
    # the actors), so nobody here may decide on the department's report.
    "reports:periodic": Row(PERIODIC_USERS),
    "reports:statistics": Row(REPORT_READERS),
    "reports:form": Row(SYSTEM_ADMIN, obj="report_form", body=lambda w: {"year": 2013}),
    "reports:period": Row(SYSTEM_ADMIN, obj="report_period"),
    "reports:report": Row(
        PERIODIC_USERS, obj="agency_report", post=STP_LEADER, body=lambda w: {"v_DOCS": "12"}
    ),
    "reports:report-xlsx": Row(PERIODIC_USERS, obj="agency_report"),
    "reports:report-upload": Row(STP_LEADER, obj="agency_report", body=_report_upload),
    "reports:report-submit": Row(STP_LEADER, obj="agency_report", body=lambda w: {}),
    "reports:report-decide": Row(
        NOBODY, obj="agency_report", body=lambda w: {"decision": "accept"}
    ),
    # The API of periodic reporting: the list holds the forms the user's agency collects (empty
    # for most); a period is the aggregating agency's; a report its agency's (and the system
    # administrator's to read); figures are saved by the agency's leader.
    "v1:report-form-list": Row(OFFICERS),
    "v1:report-period-detail": Row(SYSTEM_ADMIN, obj="report_period"),
    "v1:agency-report": Row(PERIODIC_USERS, obj="agency_report"),
    "v1:agency-report-values": Row(
        STP_LEADER, obj="agency_report", body=lambda w: {"values": {"DOCS": 12}}
    ),
    # The exchange over the national document axis: a document's packages and statuses are seen
    # by its agency's officials; sending, sending again and refreshing the directory are the
    # clerk's (the world has no axis: the forms answer with their errors).
    "exchange:axis-document": Row(STP, obj="outgoing"),
    "exchange:axis-packages": Row(STP, obj="outgoing"),
    "exchange:axis-send": Row(CLERK, obj="outgoing"),
    "exchange:axis-retry": Row(CLERK, obj="outgoing"),
    "exchange:axis-directory": Row(OFFICERS, post=CLERK),
    # The provincial e-portal. The world has no portal pages and published no document: the
    # Wagtail page, document and portal-document URLs name nothing public, so nobody gets them
    # (the public pages, publication and withdrawal are tested in tests/portal). The clerk of
    # Sở Tư pháp publishes its issued outgoing document.
    "wagtail_serve": Row(NOBODY),
    "wagtaildocs_serve": Row(NOBODY),
    "wagtailcore_authenticate_with_password": Row(
        NOBODY, extra={"page_view_restriction_id": "outgoing", "page_id": "outgoing"}
    ),
    "wagtaildocs_authenticate_with_password": Row(NOBODY, extra={"restriction_id": "outgoing"}),
    "sitemap": Row(ANYONE),
    "portal:document": Row(NOBODY, obj="outgoing"),
    "portal:document-file": Row(NOBODY, obj="outgoing"),
    "portal:publish": Row(NOBODY, obj="outgoing", post=CLERK, body=BODIES["none"]),
    "portal:withdraw": Row(NOBODY, obj="outgoing", body=BODIES["none"]),
    "portal:news-feed": Row(ANYONE),
    "portal:documents-feed": Row(ANYONE),
    # The electronic result offered to the national portal: only behind the signed link it
    # was given (the link is tested in tests/dvcqg); without one, nobody gets anything.
    "dvcqg:result-file": Row(NOBODY),
    # Meetings (second round): BigBlueButton is not configured in the world, so registering
    # its callback is refused with a message even for the administrators who see the page;
    # the meeting is put into the week's schedule by a schedule officer only (no actor here);
    # the world's meeting has no document drafted, so no document's PDF is remade.
    "meetings:video-setup": Row(
        frozenset({"agency_admin", "system_admin"}), post=NOBODY, body=lambda w: {}
    ),
    "meetings:put-in-schedule": Row(MEETING_PEOPLE, post=NOBODY, obj="meeting", body=lambda w: {}),
    "meetings:document-pdf": Row(
        MEETING_PEOPLE, post=NOBODY, obj="meeting", extra={"link_pk": "meeting"}, body=lambda w: {}
    ),
    # Official e-mail, continued: the agency administrator's intake rules; each official's
    # daily digest (the demo's officials have addresses; its administrators have none, and are
    # told so), stopped by the signed link in a
    # digest without signing in (an applicant's account is kept out of the officials' pages);
    # the address-book API for officials.
    "mail:rules": Row(MAILBOX_ADMINS, body=MAIL_BODIES["rule"]),
    "mail:rule-edit": Row(MAILBOX_ADMINS, obj="intake_rule", body=MAIL_BODIES["rule"]),
    "mail:rule-delete": Row(MAILBOX_ADMINS, obj="intake_rule", body=lambda w: {}),
    "mail:digest": Row(
        OFFICERS, post=OFFICERS - {"agency_admin", "system_admin"}, body=lambda w: {"enabled": "on"}
    ),
    "mail:digest-opt-out": Row(
        ANYONE - {"citizen"}, extra={"token": "digest_token"}, body=lambda w: {}
    ),
    "v1:directory-agency-list": Row(OFFICERS),
    "v1:directory-agency-detail": Row(OFFICERS, obj="agency"),
    "v1:directory-person-list": Row(OFFICERS),
    "v1:directory-person-detail": Row(OFFICERS, obj="directory_person"),
    # Reporting, the leaders' pages: the agency leader (his agency) and the system administrator
    # (the province). The list behind a figure needs its figure in the query: without it, the
    # address names nothing (404 for all). A form's new version is defined by the aggregating
    # agency's reporting officer or leader (none of the actors) or the system administrator;
    # the matrix's report is a draft, so nobody may send it to the national system, and only
    # the aggregating agency (none of the actors) accepts or returns it.
    "reports:dashboard": Row(REPORT_READERS),
    "reports:processing-list": Row(NOBODY),
    "reports:index766": Row(REPORT_READERS),
    "reports:form-edit": Row(
        SYSTEM_ADMIN,
        obj="report_form",
        body=lambda w: {
            "rows": "1",
            "i0-code": "DOCS",
            "i0-name": "Văn bản đến",
            "i0-type": "integer",
            "i0-aggregation": "sum",
        },
    ),
    "reports:report-national": Row(NOBODY, obj="agency_report", body=lambda w: {}),
    "v1:agency-report-submit": Row(STP_LEADER, obj="agency_report", body=lambda w: {}),
    "v1:agency-report-accept": Row(NOBODY, obj="agency_report", body=lambda w: {}),
    "v1:agency-report-return": Row(
        NOBODY, obj="agency_report", body=lambda w: {"reason": "Thiếu số liệu"}
    ),
    "v1:agency-report-national": Row(NOBODY, obj="agency_report", body=lambda w: {}),
    # The leaders' figures through the API: the same scope as the pages.
    "v1:report-processing": Row(REPORT_READERS),
    "v1:report-index-766": Row(REPORT_READERS),
    # The clerk's queue of recalls, updates and replacements received over the axis (a POST
    # naming no request of the clerk's agency answers nothing).
    "exchange:axis-requests": Row(CLERK),
    # Its REST API: a document's axis deliveries for its agency's officials; the packages list
    # is scoped to the caller's agency (any official gets its own, here none); the world has no
    # package nor request, so the original XML and an answer are nobody's.
    "v1:axis-deliveries": Row(STP, obj="outgoing"),
    "v1:axis-packages": Row(OFFICERS),
    "v1:axis-package": Row(NOBODY, obj="outgoing"),
    "v1:axis-requests": Row(CLERK),
    "v1:axis-request-answer": Row(NOBODY, obj="outgoing", body=lambda w: {"agree": True}),
    # The portal's citizens' pages: open to all; the world has no feedback, draft for
    # consultation or dataset of a numeric name, so those URLs name nothing (tests/portal checks
    # them). The feedback inbox: the specialists and leaders, of any agency (each sees their own).
    "portal:news-atom": Row(ANYONE),
    "portal:documents-atom": Row(ANYONE),
    "portal:feedback-list": Row(ANYONE),
    "portal:feedback-new": Row(ANYONE),
    "portal:feedback-track": Row(ANYONE),
    "portal:feedback-detail": Row(NOBODY, obj="outgoing"),
    "portal:feedback-inbox": Row(
        frozenset({"officer", "unit_leader", "agency_leader", "other_agency"})
    ),
    "portal:feedback-answer": Row(NOBODY, obj="outgoing"),
    "portal:comment": Row(NOBODY, extra={"page_id": "outgoing"}),
    "portal:search": Row(ANYONE),
    "portal:open-data": Row(ANYONE),
    "portal:dataset": Row(NOBODY, extra={"slug": "outgoing"}),
    "portal:dataset-file": Row(NOBODY, extra={"slug": "outgoing", "fmt": "outgoing"}),
    # Taking back a report waiting for its signed document: the department's report is being
    # filled in (its form is not submitted as a document), so nobody may take it back.
    "reports:report-take-back": Row(
        NOBODY, obj="agency_report", body=lambda w: {"reason": "Sửa số liệu"}
    ),
    "v1:agency-report-take-back": Row(
        NOBODY, obj="agency_report", body=lambda w: {"reason": "Sửa số liệu"}
    ),
    # A language link: the world has no key that is a language code (tests/portal checks it).
    "portal:language": Row(NOBODY, extra={"code": "outgoing"}),
}


# --- the machinery -------------------------------------------------------------------------


def _files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    found = {}
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


STATEFUL: list[tuple[Any, tuple[str, ...]]] = [
    (Dossier, ("status",)),
    (DossierStep, ("state", "handler_id")),
    (Document, ("status", "updated_at")),
    (NumberAllocation, ("status",)),
    (Draft, ("state", "updated_at")),
    (CaseFile, ("status", "title", "updated_at")),
    (Assignment, ("state",)),
    (IncomingMail, ("status",)),  # official e-mail (lienthong.mail)
    (Mailbox, ("address", "updated_at")),
    (IntakeRule, ("position", "action", "sender_pattern")),
    (DigestSubscription, ("enabled",)),
    (AgencyReport, ("status", "updated_at")),
]


def _state() -> tuple[dict[str, int], dict[str, str], list[list[tuple[Any, ...]]]]:
    counts = table_counts()
    counts.pop("core_auditevent", None)  # refused sign-ins are audited on purpose
    # Changes that add no row: the states of dossiers and their steps, documents, numbers,
    # drafts, case files and assignments.
    stages = [
        list(model.objects.order_by("pk").values_list("pk", *fields)) for model, fields in STATEFUL
    ]
    return counts, _files(), stages


def _refused(response: Any, actor: str) -> bool:
    if response.status_code in (302, 303):
        return "/dang-nhap/" in response["Location"]
    if response.status_code == 286:  # htmx “stop polling”: the bell of a signed-out visitor
        return not response.content.strip()
    return response.status_code in (401, 403, 404)


ENDPOINTS = endpoints()


def test_every_url_name_has_a_row() -> None:
    missing = sorted(set(ENDPOINTS) - set(MATRIX))
    assert not missing, (
        "These URL names are not in the permission matrix; add a Row for each to MATRIX in "
        f"tests/hardening/test_permission_matrix.py: {missing}"
    )
    stale = sorted(set(MATRIX) - set(ENDPOINTS))
    assert not stale, f"Rows for URL names that no longer exist: {stale}"


def _clients(world: World) -> dict[str, Client]:
    return {actor: actor_client(actor) for actor in ACTORS}


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    if method == "GET":
        return client.get(url)
    if body is not None:
        if url.startswith("/api/") and not any(hasattr(v, "read") for v in body.values()):
            return client.generic(method, url, json.dumps(body), content_type="application/json")
        return client.post(url, body)  # multipart, as a page's form or an upload sends it
    if url.startswith("/api/"):
        return client.generic(method, url, b"{}", content_type="application/json")
    return client.generic(method, url, b"", content_type="application/x-www-form-urlencoded")


def _to_sign_in(response: Any) -> bool:
    return response.status_code in (302, 303) and "/dang-nhap/" in response["Location"]


def _error_shown(response: Any) -> bool:
    """A page refused the action: it redirects back with an error message."""
    return response.status_code in (302, 303) and any(
        m.level == ERROR for m in get_messages(response.wsgi_request)
    )


def _performed(response: Any, before: Any, after: Any) -> bool:
    """A valid action was done: answered 2xx/3xx without an error message, and the database
    changed."""
    return response.status_code < 400 and after != before and not _error_shown(response)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_cell(world: World, db: Any, name: str) -> None:
    row = MATRIX.get(name)
    if row is None:
        pytest.fail(f"{name} has no row in MATRIX (tests/hardening/test_permission_matrix.py)")
    _check(world, ENDPOINTS[name], row)


# A confidential (độ mật) document of the agency: inside Sở Tư pháp only its clerks (who
# registered it) and its leaders see it; specialists, unit leaders and the agency administrator
# do not, unless it is assigned to them.
CONFIDENTIAL_READERS = frozenset({"clerk", "agency_leader"})
CONFIDENTIAL = {
    "documents:detail": Row(CONFIDENTIAL_READERS, obj="secret_document"),
    "workflows:document": Row(CONFIDENTIAL_READERS, obj="secret_document"),
    "workflows:slip": Row(CONFIDENTIAL_READERS, obj="secret_document"),
    "v1:document-detail": Row(CONFIDENTIAL_READERS, obj="secret_document"),
}


@pytest.mark.parametrize("name", sorted(CONFIDENTIAL))
def test_confidential_cell(world: World, db: Any, name: str) -> None:
    _check(world, ENDPOINTS[name], CONFIDENTIAL[name])


@pytest.mark.parametrize("actor", sorted(set(ACTORS) - {"anonymous"}))
def test_confidential_document_is_missing_from_lists_and_search(
    world: World, db: Any, actor: str
) -> None:
    client = _clients(world)[actor]
    secret = world.ids["secret_document"]
    listed = {item["id"] for item in client.get("/api/v1/documents/").json().get("results", [])}
    found = client.get("/tim-kiem/", {"q": "Công văn mật"}).content.decode()
    page = client.get("/van-ban-den/").content.decode()
    visible = actor in CONFIDENTIAL_READERS
    assert (secret in listed) == visible, actor
    assert (f"/van-ban/{secret}/" in found) == visible, actor
    assert (f"/van-ban/{secret}/" in page) == visible, actor


def _check(world: World, endpoint: Endpoint, row: Row, fixed: dict[str, str] | None = None) -> None:
    extra = {"allocation_pk": "allocation", "ordinal": "ordinal"} | row.extra
    values = {param: world.ids[extra.get(param, row.obj or param)] for param in endpoint.params}
    url = concrete(endpoint, values | (fixed or {}))
    clients = _clients(world)
    wrong: list[str] = []
    for method in endpoint.methods:
        allowed = row.allowed(method)
        for actor, client in clients.items():
            body = row.body(world) if row.body is not None and method != "GET" else None
            with transaction.atomic():
                before = _state()
                response = _call(client, method, url, body)
                after = _state()
                transaction.set_rollback(True)
            FIGURES["matrix cells"] += 1
            status = response.status_code
            if status >= 500:
                wrong.append(f"{method} {url} as {actor}: {status}")
                continue
            if status == 405:
                continue  # the view does not answer this method for anyone: nothing to check
            if body is not None:
                refused = not _performed(response, before, after)
                said_no = (
                    status in (401, 403, 404)
                    or _to_sign_in(response)
                    or _error_shown(response)
                    or (actor in row.invalid and status in (200, 400))
                )
                if refused and not said_no:
                    wrong.append(f"{method} {url} as {actor}: {status}, not a refusal")
            else:
                refused = _refused(response, actor) and not row.signs_out
            if refused and after != before:
                wrong.append(f"{method} {url} as {actor}: refused ({status}) but changed data")
            if refused == (actor in allowed):
                verdict = "refused" if refused else "allowed"
                wrong.append(f"{method} {url} as {actor}: {verdict} ({status})")
            if refused and actor != "anonymous" and (status == 401 or _to_sign_in(response)):
                wrong.append(f"{method} {url} as {actor}: sent to sign in ({status})")
    assert not wrong, "\n".join(wrong)


# Another applicant's dossier (filed to the same agency, not received): the citizen gets 404
# on every page and API endpoint that names it, as if it did not exist, and nothing changes.
OTHERS_DOSSIER = {
    "citizen:my-dossier": {},
    "citizen:component": {"component_pk": "others_component"},
    "citizen:result": {},
    "citizen:action": {"action": "citizen_action"},
    "v1:dossier-detail": {},
    "v1:dossier-papers": {},
    "v1:dossier-rate": {},
    "v1:dossier-resubmit": {},
    "v1:dossier-submit": {},
    "v1:dossier-withdraw": {},
}


@pytest.mark.parametrize("name", sorted(OTHERS_DOSSIER))
def test_an_applicant_is_refused_another_applicants_dossier(
    world: World, db: Any, name: str
) -> None:
    endpoint = ENDPOINTS[name]
    keys = {"pk": "others_dossier"} | OTHERS_DOSSIER[name]
    url = concrete(endpoint, {p: world.ids[keys[p]] for p in endpoint.params})
    client = _clients(world)["citizen"]
    for method in endpoint.methods:
        with transaction.atomic():
            before = _state()
            response = _call(client, method, url)
            after = _state()
            transaction.set_rollback(True)
        FIGURES["matrix cells"] += 1
        if response.status_code == 405:
            continue
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        assert after == before, f"{method} {url} changed data"
    own = {d["id"] for d in client.get("/api/v1/dossiers/").json()["results"]}
    stages = {k for k in world.ids if k.startswith("dossier_") and k != "dossier_component"}
    assert own == {world.ids[key] for key in stages | {"dossier"}}


# --- who may do each dossier action, on a dossier in the state it needs ----------------------

# Every action of the counter's and the applicant's dossier pages (one URL name each, the action
# in the path), and the API actions whose role depends on the stage: (URL name, action) → Row.
ACTIONS: dict[tuple[str, str], Row] = {
    ("onestop:action", "receive"): Row(ONESTOP, obj="dossier_submitted", body=BODIES["none"]),
    ("onestop:action", "supplement"): Row(ONESTOP, obj="dossier_submitted", body=BODIES["items"]),
    ("onestop:action", "refuse"): Row(ONESTOP, obj="dossier_submitted", body=BODIES["reason"]),
    ("onestop:action", "stop"): Row(STEP_LEADERS, obj="dossier", body=BODIES["reason"]),
    # An on-line dossier is withdrawn by its applicant only, never at the counter.
    ("onestop:action", "withdraw"): Row(NOBODY, obj="dossier", body=BODIES["no_reason"]),
    ("onestop:action", "assign"): Row(STEP_LEADERS, obj="dossier", body=BODIES["handler"]),
    ("onestop:action", "consult"): Row(OFFICER, obj="dossier_assigned", body=BODIES["consult"]),
    ("onestop:action", "propose"): Row(OFFICER, obj="dossier_assigned", body=BODIES["text"]),
    ("onestop:action", "answer"): Row(
        VP_MEMBERS,
        obj="dossier_assigned",
        body=lambda w: {"consultation": w.ids["consultation"], "text": "Thống nhất."},
    ),
    ("onestop:action", "approve"): Row(STEP_LEADERS, obj="dossier_proposed", body=BODIES["note"]),
    ("onestop:action", "apologise"): Row(
        frozenset({"agency_leader"}),
        obj="dossier",
        body=lambda w: {"reason": "Chờ xác minh.", "new_due_at": f"{_later(w):%Y-%m-%dT%H:%M}"},
    ),
    ("onestop:action", "result"): Row(CLERK, obj="dossier_approved", body=BODIES["result"]),
    ("onestop:action", "return"): Row(ONESTOP, obj="dossier_done", body=BODIES["return"]),
    ("citizen:action", "upload"): Row(
        APPLICANT, obj="dossier_draft", body=lambda w: {"file": _pdf(), "component": ""}
    ),
    ("citizen:action", "remove"): Row(
        APPLICANT, obj="dossier_draft", body=lambda w: {"component": w.ids["draft_component"]}
    ),
    ("citizen:action", "submit"): Row(APPLICANT, obj="dossier_draft", body=BODIES["none"]),
    ("citizen:action", "resubmit"): Row(APPLICANT, obj="dossier_supplied", body=BODIES["none"]),
    ("citizen:action", "withdraw"): Row(APPLICANT, obj="dossier", body=BODIES["no_reason"]),
    ("citizen:action", "rate"): Row(APPLICANT, obj="dossier_returned", body=BODIES["rating"]),
    # The fee of a level-4 procedure, paid on line by the applicant: the payment is opened and
    # the applicant sent to the gateway.
    ("citizen:action", "pay"): Row(APPLICANT, obj="dossier_fee", body=BODIES["none"]),
    # A dossier created through the API at the counter, for an applicant who came in person
    # (the applicant's data in the body; the counter must give them: without, 400 above). An
    # applicant may give them too (filing for someone else: the dossier is still their own).
    ("v1:dossier-list", "counter"): Row(
        SIGNED_IN, post=ONESTOP | APPLICANT, body=FILING_BODIES["api_counter"]
    ),
    # In processing, papers are asked for by the counter or the step's leaders, and processing
    # is stopped by the step's leaders; a dossier not yet received is withdrawn by its applicant.
    ("v1:dossier-supplement", ""): Row(ONESTOP | STEP_LEADERS, obj="dossier", body=BODIES["items"]),
    ("v1:dossier-refuse", ""): Row(STEP_LEADERS, obj="dossier", body=BODIES["reason"]),
    ("v1:dossier-withdraw", ""): Row(APPLICANT, obj="dossier_submitted", body=BODIES["no_reason"]),
}


@pytest.mark.parametrize("key", sorted(ACTIONS), ids=lambda k: f"{k[0]}:{k[1]}".rstrip(":"))
def test_action_cell(world: World, db: Any, key: tuple[str, str]) -> None:
    name, action = key
    _check(world, ENDPOINTS[name], ACTIONS[key], {"action": action} if action else None)
