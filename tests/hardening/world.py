"""A small world for the hardening suite: the demo province, with one of every kind of object
in Sở Tư pháp (the agency under test), made through the services the pages and the API call.

The actors look at it from Sở Tư pháp's point of view: its officials, an official of an
unrelated agency (Thành phố Cà Mau), a citizen (an account with no agency and no role) and a
system administrator."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

from lienthong.accounts import services as accounts
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.accounts.permissions import two_factor_required
from lienthong.catalogue import services as catalogue
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import Procedure, ProcedureComponent, ProcedureStep, Sector
from lienthong.demo.province import load_demo_province
from lienthong.documents import services as documents
from lienthong.documents.constants import Confidentiality, Direction, RegisterKind
from lienthong.documents.models import Document, DocumentType, Register
from lienthong.drafting import services as drafting
from lienthong.exchange import services as exchange
from lienthong.notifications import services as notifications
from lienthong.onestop import services as onestop
from lienthong.onestop.models import Dossier, DossierStep
from lienthong.payments import services as payments
from lienthong.records import services as records
from lienthong.records.models import RetentionPeriod
from lienthong.workflows import services as workflows
from lienthong.workflows.services import Assignee
from tests.accounts.two_factor import verified_login
from tests.documents import files
from tests.meetings.world import meetings_world
from tests.reports.periodic import matrix_objects as reporting_objects

# Actor name → demo username (None: anonymous). Keys are the columns of the matrix.
ACTORS: dict[str, str | None] = {
    "anonymous": None,
    "citizen": "congdan.test",
    "other_agency": "chuyenvien.tpcamau",
    "officer": "chuyenvien.stp",
    "clerk": "vanthu.stp",
    "onestop_officer": "motcua.stp",  # the counter (cán bộ một cửa)
    "unit_leader": "truongphong.stp",
    "agency_leader": "lanhdao.stp",
    "agency_admin": "quantri.stp",
    "system_admin": "quantri.he-thong",
}


@dataclass
class World:
    stp: Agency
    ids: dict[str, Any] = field(default_factory=dict)

    def user(self, actor: str) -> User | None:
        username = ACTORS[actor]
        return None if username is None else User.objects.get(username=username)


def _doc_type(name: str) -> DocumentType:
    return DocumentType.objects.get(name=name)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def run_jobs_here() -> None:
    """Run the queued jobs in this connection (the worker's connection recycling would close
    the transaction the world lives in)."""
    from django_tasks_db.management.commands import db_worker

    from tests.conftest import run_queued_jobs

    original = db_worker.close_old_connections
    db_worker.close_old_connections = lambda: None
    try:
        run_queued_jobs()
    finally:
        db_worker.close_old_connections = original


def build_world() -> World:
    load_demo_province()
    stp = Agency.objects.get(code="000.00.05.H12")
    stttt = Agency.objects.get(code="000.00.11.H12")
    province = Agency.objects.get(code="000.00.00.H12")
    vp = Unit.objects.get(agency=stp, abbreviation="VP")
    hctp = Unit.objects.get(agency=stp, abbreviation="HCTP")
    citizen = onestop.sign_up_applicant(
        username="congdan.test",
        password="Mk-congdan-2026",
        applicant=onestop.Applicant(
            kind="citizen",
            name="Nguyễn Thị Dân",
            id_number="096188000777",
            phone="0913000777",
            email="dan@example.vn",
            address="Phường 5, TP Cà Mau",
        ),
    )
    accounts.create_user(
        actor=None,
        username="quantri.stp",
        full_name="Lâm Văn Trị",
        password=None,
        agency=stp,
        unit=vp,
        roles=[Role.AGENCY_ADMIN],
    )
    accounts.create_user(
        actor=None,
        username="quantri.he-thong",
        full_name="Trần Hệ Thống",
        password=None,
        agency=province,
        roles=[Role.SYSTEM_ADMIN],
    )
    clerk, officer = _user("vanthu.stp"), _user("chuyenvien.stp")
    leader = _user("lanhdao.stp")
    w = World(stp=stp)

    # An incoming document, registered, with an attachment, assigned to the specialist.
    incoming = documents.register_incoming(
        actor=clerk,
        document_type=_doc_type("Quyết định"),
        issuer_name="UBND tỉnh Cà Mau",
        code_number="101",
        code_notation="QĐ-UBND",
        issued_date=date(2026, 11, 2),
        subject="Quyết định về việc kiện toàn tổ chức",
        page_count=1,
    ).document
    assert incoming is not None
    version = documents.add_attachment(
        actor=clerk,
        document=incoming,
        upload=io.BytesIO(files.text_pdf("Quyết định")),
        name="quyet-dinh.pdf",
    )
    [assignment] = workflows.assign(
        actor=leader,
        document=incoming,
        instruction="Phòng HCTP chủ trì.",
        assignees=[Assignee(role="lead", unit=hctp, working_days=10)],
    )
    w.ids |= {"document": incoming.pk, "attachment_version": version.pk}
    # Its PDF's signature check ("Kiểm tra lại" names it).
    from lienthong.signatures.models import PdfVerification

    w.ids["verification"] = PdfVerification.objects.get(blob=version.blob).pk
    w.ids["remote_provider"] = "smartca"  # type: ignore[assignment]  # a URL slug
    w.ids["assignment"] = assignment.pk

    # A confidential incoming document nobody below the leaders was given.
    secret = documents.register_incoming(
        actor=clerk,
        document_type=_doc_type("Công văn"),
        issuer_name="Công an tỉnh Cà Mau",
        code_number="7",
        code_notation="CAT-PV01",
        issued_date=date(2026, 11, 3),
        subject="Công văn mật",
        confidentiality=Confidentiality.SECRET,
    ).document
    assert secret is not None
    w.ids["secret_document"] = secret.pk

    # A draft in review, with its version, by the specialist.
    draft = drafting.create_draft(
        actor=officer,
        document_type=_doc_type("Công văn"),
        signer=leader,
        subject="V/v phối hợp kết nối phần mềm",
        recipient_agencies=[stttt],
        upload=io.BytesIO(files.docx("Đề nghị phối hợp.")),
        file_name="cv.docx",
    )
    w.ids["draft"] = draft.pk
    w.ids["draft_version"] = draft.versions.first().pk  # type: ignore[union-attr]

    # An outgoing document issued to Sở TT&TT (recall), and a number reserved in its register.
    outgoing = documents.record_outgoing(
        actor=clerk,
        document_type=_doc_type("Công văn"),
        subject="V/v trả lời kiến nghị",
        drafting_unit=hctp,
        recipient_agencies=[stttt],
    )
    outgoing = documents.issue_outgoing(actor=clerk, document=outgoing)
    w.ids["outgoing"] = outgoing.pk
    register = Register.objects.filter(agency=stp, kind=RegisterKind.OUTGOING).first()
    assert register is not None
    allocation = documents.reserve_number(actor=clerk, register=register, note="dự phòng")
    w.ids |= {"register": register.pk, "allocation": allocation.pk}

    # A document Sở TT&TT sent to Sở Tư pháp, delivered but not yet accepted.
    sent = documents.record_outgoing(
        actor=_user("vanthu.stttt"),
        document_type=_doc_type("Công văn"),
        subject="V/v đề nghị cung cấp thông tin",
        drafting_unit=Unit.objects.get(agency=stttt, abbreviation="CNTT"),
        recipient_agencies=[stp],
    )
    documents.issue_outgoing(actor=_user("vanthu.stttt"), document=sent)
    run_jobs_here()
    delivered = Document.objects.get(agency=stp, direction=Direction.INCOMING, subject=sent.subject)
    w.ids["delivered"] = delivered.pk
    # Another one Sở Tư pháp registered, which its sender now recalls: the recall awaits the
    # answer of Sở Tư pháp's clerk.
    stttt_clerk = _user("vanthu.stttt")
    recalled = documents.record_outgoing(
        actor=stttt_clerk,
        document_type=_doc_type("Công văn"),
        subject="V/v mời họp giao ban",
        drafting_unit=Unit.objects.get(agency=stttt, abbreviation="CNTT"),
        recipient_agencies=[stp],
    )
    recalled = documents.issue_outgoing(actor=stttt_clerk, document=recalled)
    run_jobs_here()
    copy = Document.objects.get(agency=stp, direction=Direction.INCOMING, subject=recalled.subject)
    exchange.accept_delivered(actor=clerk, document=copy)
    exchange.recall(actor=stttt_clerk, outgoing=recalled, reason="Sai thời gian họp.")
    w.ids["recalled"] = copy.pk

    # A case file with the incoming document, and a file catalogue.
    retention = RetentionPeriod.objects.order_by("pk").first()
    case_file = records.open_file(
        actor=officer,
        title="Hồ sơ kiện toàn tổ chức năm 2026",
        notation="01.HCTP",
        year=2026,
        retention=retention,
    )
    records.add_document(actor=officer, case_file=case_file, document=incoming)
    w.ids |= {"case_file": case_file.pk, "ordinal": 1}
    catalog = records.create_catalog(actor=clerk, year=2026)
    w.ids["catalog"] = catalog.pk
    w.ids["retention_period"] = retention.pk  # type: ignore[union-attr]

    # A notice for the specialist.
    [notice] = notifications.notify(
        recipients=[officer],
        kind="new_assignment",
        title="Bạn được giao văn bản",
        url="/",
        actor=None,
    )
    w.ids["notification"] = notice.pk
    w.ids |= _actions_in_every_state(w, incoming=incoming, case_file=case_file)
    w.ids |= _tasks(w)
    # A published procedure of Sở Tư pháp with a form to download, and a dossier the citizen
    # filed on line, received at the counter; its fee is being paid; another applicant's dossier.
    procedure = Procedure.objects.create(
        national_code="T-CMU-TP-01",
        name="Cấp phiếu lý lịch tư pháp",
        sector=Sector.objects.create(code="TP-LLTP", name="Lý lịch tư pháp"),
        agency=stp,
        level_2011=3,
        legal_basis="Luật Lý lịch tư pháp 2009",
        processing_days=Decimal("5"),
        result_name="Phiếu lý lịch tư pháp",
        is_published=True,
    )
    component = ProcedureComponent.objects.create(procedure=procedure, order=1, name="Tờ khai")
    for order, name, unit, role in [
        (1, "Tiếp nhận hồ sơ", None, StepRole.RECEPTION),
        (2, "Thẩm định hồ sơ", hctp, StepRole.PROCESSING),
        (3, "Trả kết quả", None, StepRole.RESULT),
    ]:
        ProcedureStep.objects.create(
            procedure=procedure,
            order=order,
            name=name,
            agency=stp,
            unit=unit,
            role=role,
            days=Decimal("1"),
        )
    form = catalogue.add_form(
        actor=_user("quantri.he-thong"),
        procedure=procedure,
        name="Tờ khai yêu cầu cấp phiếu lý lịch tư pháp",
        upload=io.BytesIO(files.text_pdf("Tờ khai")),
        file_name="to-khai.pdf",
    )
    counter = _user("motcua.stp")  # the demo's one-stop officer (not an actor of the matrix)

    def file(applicant: User, key: str) -> Any:
        return onestop.file_dossier(
            actor=applicant,
            procedure=procedure,
            idempotency_key=key,
            papers=[
                onestop.Paper(
                    upload=io.BytesIO(files.text_pdf("Tờ khai")),
                    name="to-khai.pdf",
                    component=component,
                )
            ],
            submit=True,
        )

    dossier = file(citizen, "6f1c4f0e-0000-4000-8000-000000000001")
    dossier = onestop.receive_dossier(actor=counter, dossier=dossier)
    other = onestop.sign_up_applicant(
        username="congdan.khac",
        password="Mk-congdan-2026",
        applicant=onestop.Applicant(
            kind="citizen",
            name="Lê Văn Khác",
            id_number="096188000888",
            phone="0913000888",
        ),
    )
    others = file(other, "6f1c4f0e-0000-4000-8000-000000000002")
    payment = payments.start_payment(
        reference=f"LP-{dossier.code}",
        amount_vnd=200_000,
        description="Lệ phí cấp phiếu lý lịch tư pháp",
        payer=citizen,
        return_url="/cong-dan/ho-so/",
    )
    w.ids |= _dossiers_in_every_state(file, citizen, counter, procedure)
    # A level-4 procedure with a fee: the citizen's dossier filed to it awaits on-line payment.
    paid = Procedure.objects.create(
        national_code="T-CMU-TP-02",
        name="Cấp bản sao trích lục hộ tịch",
        sector=procedure.sector,
        agency=stp,
        level_2011=4,
        fee_vnd=8000,
        legal_basis="Luật Hộ tịch 2014",
        processing_days=Decimal("1"),
        result_name="Bản sao trích lục hộ tịch",
        is_published=True,
    )
    paid_component = ProcedureComponent.objects.create(procedure=paid, order=1, name="Tờ khai")
    for step in procedure.steps.order_by("order"):
        step.pk, step.procedure = None, paid
        step.save()
    w.ids["dossier_fee"] = onestop.file_dossier(
        actor=citizen,
        procedure=paid,
        idempotency_key="6f1c4f0e-0000-4000-8000-000000000003",
        papers=[
            onestop.Paper(
                upload=io.BytesIO(files.text_pdf("Tờ khai")),
                name="to-khai.pdf",
                component=paid_component,
            )
        ],
        submit=True,
    ).pk
    w.ids |= {
        "procedure": procedure.pk,
        "procedure_pk": procedure.pk,
        "form_pk": form.pk,
        "sector": procedure.sector_id,
        "dossier": dossier.pk,
        "dossier_component": dossier.components.get().pk,
        "procedure_component": component.pk,
        "others_dossier": others.pk,
        "others_component": others.components.get().pk,
        "printout": "01",
        "citizen_action": "withdraw",
        "counter_action": "receive",
        "txn_ref": payment.txn_ref,
    }
    w.ids |= {
        "agency": stp.pk,
        "user": officer.pk,
        "unit": hctp.pk,
        "document_type": _doc_type("Công văn").pk,
    }
    from tests.mail.world import mail_objects  # official e-mail (lienthong.mail)

    w.ids |= mail_objects(stp, draft_pk=w.ids["draft"])
    w.ids |= meetings_world(stp)  # tests/meetings/world.py
    w.ids |= reporting_objects(stp, province)
    return w


def _tasks(w: World) -> dict[str, Any]:
    """Tasks (nhiệm vụ) Sở Tư pháp's leader gave its HCTP unit: one in progress, one with an
    extension awaiting the leader, one reported done awaiting evaluation."""
    from lienthong.tasks import services as tasks

    leader, head = _user("lanhdao.stp"), _user("truongphong.stp")
    hctp = Unit.objects.get(agency=w.stp, abbreviation="HCTP")

    def give(title: str) -> Any:
        return tasks.give_task(
            actor=leader, title=title, owner_agency=w.stp, owner_unit=hctp, working_days=10
        )

    pending = give("Rà soát thủ tục lý lịch tư pháp")
    tasks.request_extension(actor=head, task=pending, reason="Chờ số liệu.", extra_working_days=5)
    done = give("Tổng kết công tác hộ tịch")
    tasks.complete_task(actor=head, task=done, report="Đã hoàn thành.")
    return {
        "task": give("Cập nhật cơ sở dữ liệu hộ tịch").pk,
        "task_pending": pending.pk,
        "task_done": done.pk,
    }


def _actions_in_every_state(w: World, *, incoming: Document, case_file: Any) -> dict[str, Any]:
    """The objects of documents, drafting and records in the state each action needs, so that
    the matrix posts a valid body and the allowed actors really perform it."""
    stp = w.stp
    clerk, officer = _user("vanthu.stp"), _user("chuyenvien.stp")
    unit_leader, leader = _user("truongphong.stp"), _user("lanhdao.stp")
    hctp = Unit.objects.get(agency=stp, abbreviation="HCTP")
    vp = Unit.objects.get(agency=stp, abbreviation="VP")
    ids: dict[str, Any] = {}

    # An outgoing document recorded but not yet issued.
    ids["outgoing_draft"] = documents.record_outgoing(
        actor=clerk,
        document_type=_doc_type("Công văn"),
        subject="V/v báo cáo tình hình thực hiện",
        drafting_unit=hctp,
        external_recipients="UBND các huyện",
    ).pk

    # An incoming document registered but not yet presented or assigned.
    fresh = documents.register_incoming(
        actor=clerk,
        document_type=_doc_type("Công văn"),
        issuer_name="UBND huyện Cái Nước",
        code_number="88",
        code_notation="UBND-TP",
        issued_date=date(2026, 11, 5),
        subject="V/v đề nghị hướng dẫn nghiệp vụ chứng thực",
    ).document
    assert fresh is not None
    ids["incoming_new"] = fresh.pk

    # The specialist's drafts at each stage of the route: submitted to the unit leader, approved
    # by them, sent to the signer (the agency's leader), and signed off awaiting issue.
    def new_draft(subject: str) -> Any:
        return drafting.create_draft(
            actor=officer,
            document_type=_doc_type("Công văn"),
            signer=leader,
            subject=subject,
            external_recipients="UBND các huyện",
            upload=io.BytesIO(files.text_pdf(subject)),
            file_name="du-thao.pdf",
        )

    def in_review(subject: str) -> Any:
        return drafting.submit_for_review(actor=officer, draft=new_draft(subject))

    def reviewed(subject: str) -> Any:
        return drafting.review(actor=unit_leader, draft=in_review(subject), decision="approve")

    def to_sign(subject: str) -> Any:
        return drafting.send_to_signer(actor=unit_leader, draft=reviewed(subject))

    ids["draft_in_review"] = in_review("V/v đề nghị thẩm định").pk
    ids["draft_reviewed"] = reviewed("V/v đề nghị góp ý").pk
    ids["draft_to_sign"] = to_sign("V/v đề nghị ký ban hành").pk
    signed = drafting.sign_off(actor=leader, draft=to_sign("V/v ban hành"), decision="approve")
    ids["draft_approved"] = signed.pk
    # A draft of the Văn phòng (VP), on which the HCTP's comments are asked: its leader (a
    # member of the world, not an actor) drafts, approves and asks for them.
    vp_leader = accounts.create_user(
        actor=None,
        username="truongphong.vp.stp",
        full_name="Lê Văn Phòng",
        password=None,
        agency=stp,
        unit=vp,
        roles=[Role.UNIT_LEADER],
    )
    asked = drafting.create_draft(
        actor=vp_leader,
        document_type=_doc_type("Công văn"),
        signer=leader,
        subject="V/v lấy ý kiến các phòng",
        external_recipients="UBND các huyện",
        upload=io.BytesIO(files.text_pdf("Lấy ý kiến")),
        file_name="lay-y-kien.pdf",
    )
    asked = drafting.submit_for_review(actor=vp_leader, draft=asked)
    asked = drafting.review(actor=vp_leader, draft=asked, decision="approve")
    asked = drafting.request_comments(actor=vp_leader, draft=asked, units=[hctp])
    ids["draft_commenting"] = asked.pk

    # Records: a closed case file (reopen), and a document that is in no case file yet.
    closed = records.open_file(
        actor=officer,
        title="Hồ sơ đã kết thúc năm 2026",
        notation="02.HCTP",
        year=2026,
        retention=RetentionPeriod.objects.order_by("pk").first(),
    )
    records.add_document(actor=officer, case_file=closed, document=incoming)
    ids["case_file_closed"] = records.close_file(actor=officer, case_file=closed).pk
    ids |= {"hctp": hctp.pk, "vp": vp.pk, "clerk_user": clerk.pk, "leader_user": leader.pk}
    return ids


def actor_user(actor: str) -> Any:
    username = ACTORS[actor]
    return None if username is None else User.objects.get(username=username)


def _dossiers_in_every_state(
    file: Callable[[User, str], Dossier], citizen: User, counter: User, procedure: Procedure
) -> dict[str, Any]:
    """The citizen's dossiers at each stage of the one-stop process, so that each action of
    the matrix finds one it may be done to: key → dossier pk (and the pending consultation)."""
    stp = procedure.agency
    leader, officer = _user("truongphong.stp"), _user("chuyenvien.stp")
    clerk = _user("vanthu.stp")
    vp = Unit.objects.get(agency=stp, abbreviation="VP")
    keys = iter(f"6f1c4f0e-0000-4000-8000-0000000001{n:02d}" for n in range(50))

    def received() -> Dossier:
        return onestop.receive_dossier(actor=counter, dossier=file(citizen, next(keys)))

    def assigned() -> tuple[Dossier, DossierStep]:
        dossier = received()
        step = DossierStep.objects.active().get(dossier=dossier)
        onestop.assign_handler(actor=leader, step=step, handler=officer)
        return dossier, step

    def approved() -> Dossier:
        dossier, step = assigned()
        onestop.propose(actor=officer, step=step, text="Đủ điều kiện cấp phiếu.")
        onestop.approve_step(actor=leader, step=step, note="Đồng ý.")
        return dossier

    def done() -> Dossier:
        dossier = approved()
        return onestop.issue_result(
            actor=clerk,
            dossier=dossier,
            document_type=_doc_type("Quyết định"),
            upload=io.BytesIO(files.text_pdf("Phiếu lý lịch tư pháp")),
            file_name="phieu.pdf",
        )

    draft = onestop.file_dossier(
        actor=citizen,
        procedure=procedure,
        idempotency_key=next(keys),
        papers=[
            onestop.Paper(
                upload=io.BytesIO(files.text_pdf("Tờ khai")),
                name="to-khai.pdf",
                component=procedure.components.get(),
            )
        ],
        submit=False,
    )
    submitted = file(citizen, next(keys))
    supplied = file(citizen, next(keys))
    onestop.request_supplement(actor=counter, dossier=supplied, items="Bản sao CCCD")
    onestop.add_component(
        actor=citizen,
        dossier=supplied,
        upload=io.BytesIO(files.text_pdf("CCCD")),
        name="cccd.pdf",
    )
    consulted, step = assigned()
    consultation = onestop.consult_unit(
        actor=officer, step=step, unit=vp, question="Văn phòng cho ý kiến?"
    )
    proposed, step = assigned()
    onestop.propose(actor=officer, step=step, text="Đủ điều kiện cấp phiếu.")
    returned = onestop.return_result(actor=counter, dossier=done(), channel="online")
    return {
        "dossier_draft": draft.pk,
        "draft_component": draft.components.get().pk,
        "dossier_submitted": submitted.pk,
        "dossier_supplied": supplied.pk,  # papers asked for at the counter and attached
        "dossier_assigned": consulted.pk,  # with the specialist, who asked the VP's opinion
        "consultation": consultation.pk,
        "unit_vp": vp.pk,
        "dossier_proposed": proposed.pk,
        "dossier_approved": approved().pk,  # awaiting the clerk's result
        "dossier_done": done().pk,  # the result awaits return at the counter
        "dossier_returned": returned.pk,
    }


def actor_client(actor: str) -> Client:
    """A client signed in as the actor. Leaders and administrators sign in as the production
    setting requires (`LIENTHONG_2FA_REQUIRED_ROLES`, on in this suite): with their second
    factor verified, so their cells test what their roles allow, not the code page."""
    client = Client()
    user = actor_user(actor)
    if user is None:
        return client
    if two_factor_required(user):
        return verified_login(client, user)
    client.force_login(user)
    return client
