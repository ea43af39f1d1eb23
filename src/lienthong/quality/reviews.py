"""The inputs of a management review, computed from the platform for a period: one entry per
`ReviewInput` of the agency's standard version (clause 5.6.2 or 9.3.2), filled from its
`source`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from . import indicators
from .constants import ActionStatus, FindingKind
from .models import Action, Finding, ManagementReview, QualitySystem, ReviewInput


def objective_results(system: QualitySystem, start: date, end: date) -> list[dict[str, Any]]:
    procedure_ids = list(system.procedures.values_list("procedure_id", flat=True))
    results = []
    for objective in system.objectives.filter(year__gte=start.year, year__lte=end.year):
        rate = indicators.measure(objective.indicator, system.agency_id, procedure_ids, start, end)
        percent = rate.percent
        results.append(
            {
                "objective": objective.title,
                "indicator": objective.get_indicator_display(),
                "target": str(objective.target),
                "met": rate.met,
                "total": rate.total,
                "percent": None if percent is None else str(percent),
                "achieved": None if percent is None else percent >= objective.target,
            }
        )
    return results


def _figures(system: QualitySystem, source: str, start: date, end: date) -> list[str]:
    agency_id = system.agency_id
    procedure_ids = list(system.procedures.values_list("procedure_id", flat=True))
    if source == "objectives":
        return [
            f"{r['objective']}: {r['percent'] or '—'} % / {r['target']} % "
            f"({r['met']}/{r['total']}) — {'đạt' if r['achieved'] else 'chưa đạt'}"
            for r in objective_results(system, start, end)
        ]
    if source == "feedback":
        rate = indicators.satisfaction(agency_id, start, end)
        return [f"Hài lòng: {rate.met}/{rate.total} lượt đánh giá ({rate.percent or '—'} %)"]
    if source == "process":
        rate = indicators.onestop_on_time(agency_id, procedure_ids, start, end)
        late = indicators.late_and_apologies(agency_id, procedure_ids, start, end)
        docs = indicators.documents_on_time(agency_id, start, end)
        return [
            f"Hồ sơ trả đúng hạn: {rate.met}/{rate.total} ({rate.percent or '—'} %)",
            f"Hồ sơ trễ hạn: {late['late']}; phiếu xin lỗi: {late['apologies']}",
            f"Văn bản xử lý đúng hạn: {docs.met}/{docs.total} ({docs.percent or '—'} %)",
        ]
    if source == "audits":
        counts = Finding.objects.filter(
            audit__system=system, audit__done_on__range=(start, end)
        ).aggregate(
            nc=Count("pk", filter=Q(kind=FindingKind.NONCONFORMITY)),
            obs=Count("pk", filter=Q(kind=FindingKind.OBSERVATION)),
            audits=Count("audit", distinct=True),
        )
        return [
            f"{counts['audits']} cuộc đánh giá nội bộ: {counts['nc']} điểm không phù hợp, "
            f"{counts['obs']} khuyến nghị"
        ]
    if source == "actions":
        actions = Action.objects.filter(finding__audit__system=system)
        counts = actions.aggregate(
            open=Count("pk", filter=Q(status__in=[ActionStatus.OPEN, ActionStatus.REOPENED])),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            closed=Count("pk", filter=Q(status=ActionStatus.CLOSED)),
            overdue=Count(
                "pk",
                filter=Q(status__in=[ActionStatus.OPEN, ActionStatus.REOPENED], deadline__lt=end),
            ),
        )
        return [
            f"Đang mở: {counts['open']} (quá hạn {counts['overdue']}); chờ xác nhận hiệu lực: "
            f"{counts['done']}; đã đóng: {counts['closed']}"
        ]
    if source == "previous":
        last = ManagementReview.objects.filter(system=system, held_on__lt=end).first()
        return [last.decisions] if last else ["Chưa có cuộc xem xét trước."]
    return []


def compute_inputs(system: QualitySystem, start: date, end: date) -> list[dict[str, Any]]:
    return [
        {
            "code": item.code,
            "title": item.title,
            "computed": bool(item.source),
            "figures": _figures(system, item.source, start, end),
        }
        for item in ReviewInput.objects.filter(version_id=system.version_id)
    ]
