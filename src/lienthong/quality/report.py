"""The yearly report on applying the quality management system, sent to the Department of
Science and Technology (báo cáo tình hình áp dụng HTQLCL), as XLSX from the system's data.
Labels are the report's Vietnamese wording (a form, not translated)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.db.models import Count, Q
from openpyxl import Workbook
from openpyxl.styles import Font

from lienthong.core.spreadsheets import append_row

from .constants import ActionStatus, FindingKind
from .models import Action, Finding, QualitySystem
from .reviews import objective_results


def figures(system: QualitySystem, year: int) -> list[tuple[str, Any]]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    findings = Finding.objects.filter(audit__system=system, audit__done_on__year=year).aggregate(
        nc=Count("pk", filter=Q(kind=FindingKind.NONCONFORMITY)),
        obs=Count("pk", filter=Q(kind=FindingKind.OBSERVATION)),
    )
    actions = Action.objects.filter(
        finding__audit__system=system, finding__audit__done_on__year=year
    )
    objectives = objective_results(system, start, end)
    return [
        ("Cơ quan", system.agency.name),
        ("Tiêu chuẩn áp dụng", system.version.title),
        ("Căn cứ pháp lý", system.version.legal_basis),
        ("Phạm vi áp dụng", system.scope),
        (
            "Ngày công bố phù hợp",
            system.announced_on.strftime("%d/%m/%Y") if system.announced_on else "",
        ),
        ("Số thủ tục hành chính trong phạm vi", system.procedures.count()),
        ("Số quy trình khác đã ban hành", system.processes.values("code").distinct().count()),
        ("Số cuộc đánh giá nội bộ trong năm", system.audits.filter(done_on__year=year).count()),
        ("Số điểm không phù hợp", findings["nc"]),
        ("Số khuyến nghị (quan sát)", findings["obs"]),
        ("Hành động khắc phục đã đóng", actions.filter(status=ActionStatus.CLOSED).count()),
        ("Hành động còn mở", actions.exclude(status=ActionStatus.CLOSED).count()),
        ("Số cuộc xem xét của lãnh đạo", system.reviews.filter(held_on__year=year).count()),
        (
            "Mục tiêu chất lượng đạt / tổng số",
            f"{sum(1 for o in objectives if o['achieved'])}/{len(objectives)}",
        ),
    ] + [
        (f"Mục tiêu: {o['objective']}", f"{o['percent'] or '—'} % (chỉ tiêu {o['target']} %)")
        for o in objectives
    ]


def report_xlsx(system: QualitySystem, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"ISO {year}"
    (title,) = append_row(
        sheet, [f"BÁO CÁO TÌNH HÌNH ÁP DỤNG HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG NĂM {year}"]
    )
    title.font = Font(bold=True)
    append_row(sheet, ["Kính gửi: Sở Khoa học và Công nghệ"])
    append_row(sheet, [])
    for label, value in figures(system, year):
        append_row(sheet, [label, value])
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
