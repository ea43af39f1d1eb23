"""The demo's quality system (idempotent): Sở TT&TT applies ISO 9001:2008 (as in 2012) over
its procedures, with its policy, objectives bound to the platform's indicators, its documented
processes, one internal audit with two findings (a nonconformity and an observation) and a
corrective action done and verified, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from lienthong.accounts.models import Agency, User
from lienthong.catalogue.models import Procedure

from . import services
from .constants import ActionKind, FindingKind, Indicator
from .models import (
    Clause,
    Objective,
    ProcessDocument,
    QualitySystem,
    ScopedProcedure,
    StandardVersion,
)

STTTT = "000.00.11.H12"

PROCESSES = [
    (
        "QT-01",
        "Kiểm soát tài liệu",
        "Danh mục tài liệu nội bộ — lâu dài\nSổ theo dõi phân phối tài liệu — 5 năm",
    ),
    ("QT-02", "Kiểm soát hồ sơ", "Danh mục hồ sơ — lâu dài"),
    ("QT-03", "Đánh giá nội bộ", "Kế hoạch, báo cáo đánh giá nội bộ — 5 năm"),
    (
        "QT-04",
        "Hành động khắc phục, phòng ngừa",
        "Phiếu yêu cầu hành động khắc phục, phòng ngừa — 5 năm",
    ),
    (
        "QT-05",
        "Xử lý văn bản đến, văn bản đi",
        "Sổ đăng ký văn bản đến, đi — 5 năm (Thông tư 09/2011/TT-BNV)",
    ),
    ("QT-06", "Xem xét của lãnh đạo", "Biên bản họp xem xét của lãnh đạo — 5 năm"),
]


@transaction.atomic
def load_demo_quality() -> bool:
    """Returns True when the system was created (False when already there or no demo)."""
    agency = Agency.objects.filter(code=STTTT).first()
    officer = User.objects.filter(username="iso.stttt").first()
    owner = User.objects.filter(username="chuyenvien.stttt").first()
    version = StandardVersion.objects.filter(code="2008").first()
    if agency is None or officer is None or owner is None or version is None:
        return False
    if QualitySystem.objects.filter(agency=agency).exists():
        return False
    system = QualitySystem.objects.create(
        agency=agency,
        version=version,
        scope=(
            "Tiếp nhận, giải quyết thủ tục hành chính thuộc thẩm quyền của Sở Thông tin và "
            "Truyền thông; xử lý văn bản đến, văn bản đi; quản lý nhà nước về CNTT, bưu chính, "
            "viễn thông, báo chí, xuất bản."
        ),
        policy=(
            "Sở Thông tin và Truyền thông cam kết giải quyết thủ tục hành chính công khai, "
            "đúng pháp luật, đúng hẹn; không ngừng cải tiến để người dân, doanh nghiệp hài lòng."
        ),
        manual_reference="STCL — Sổ tay chất lượng, ban hành lần 1 ngày 02/01/2012",
        announced_on=date(2012, 3, 15),
    )
    for title, indicator, target in [
        ("Tỷ lệ hồ sơ giải quyết đúng hạn", Indicator.ONESTOP_ON_TIME, Decimal(98)),
        ("Tỷ lệ người dân, doanh nghiệp hài lòng", Indicator.SATISFACTION, Decimal(90)),
        ("Tỷ lệ văn bản được xử lý đúng hạn", Indicator.DOCUMENTS_ON_TIME, Decimal(95)),
    ]:
        Objective.objects.create(
            system=system, year=2012, title=title, indicator=indicator, target=target
        )
    ScopedProcedure.objects.bulk_create(
        ScopedProcedure(system=system, procedure=procedure)
        for procedure in Procedure.objects.filter(agency=agency)
    )
    for code, title, records in PROCESSES:
        ProcessDocument.objects.create(
            system=system,
            code=code,
            title=title,
            approved_on=date(2012, 1, 2),
            effective_on=date(2012, 1, 2),
            records=records,
        )
    clauses = {c.number: c for c in Clause.objects.filter(version=version)}
    audit = services.plan_audit(
        actor=officer,
        system=system,
        title="Đánh giá nội bộ lần 1 năm 2012",
        planned_on=date(2012, 6, 20),
        scope="Bộ phận Một cửa, Văn phòng Sở, Phòng CNTT",
        checklist=[
            (clauses["4.2.3"], "Tài liệu đang dùng có đúng phiên bản hiện hành không?"),
            (clauses["7.5"], "Hồ sơ có được trả đúng hẹn, có phiếu xin lỗi khi trễ hạn?"),
            (clauses["8.2.1"], "Có thu thập ý kiến hài lòng của người dân không?"),
        ],
    )
    nonconformity = services.record_finding(
        actor=officer,
        audit=audit,
        clause=clauses["4.2.3"],
        kind=FindingKind.NONCONFORMITY,
        description="Bộ phận Một cửa còn dùng mẫu phiếu tiếp nhận cũ, không đúng phiên bản.",
        found_on=date(2012, 6, 20),
    )
    services.record_finding(
        actor=officer,
        audit=audit,
        clause=clauses["8.2.1"],
        kind=FindingKind.OBSERVATION,
        description="Nên đặt thiết bị đánh giá mức độ hài lòng tại quầy tiếp nhận.",
        found_on=date(2012, 6, 20),
    )
    action = services.open_action(
        actor=officer,
        finding=nonconformity,
        kind=ActionKind.CORRECTIVE,
        description="Thu hồi mẫu cũ, phân phối lại mẫu hiện hành, kiểm tra danh mục tài liệu.",
        owner=owner,
        deadline=date(2012, 7, 15),
    )
    services.complete_action(
        actor=owner, action=action, note="Đã thu hồi 12 mẫu cũ, phát mẫu phiên bản 02."
    )
    services.verify_action(
        actor=officer,
        action=action,
        effective=True,
        note="Kiểm tra ngày 20/7/2012: quầy chỉ còn mẫu hiện hành.",
    )
    return True
