"""A small reporting world: a province collecting a quarterly form from two districts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.reports import services
from lienthong.reports.constants import Aggregation, Periodicity
from lienthong.reports.models import AgencyReport, ReportForm, ReportingPeriod
from lienthong.reports.services import IndicatorSpec

INDICATORS = [
    IndicatorSpec(
        "DOSSIERS", "Hồ sơ tiếp nhận", "integer", "hồ sơ", required=True, min_value=Decimal(0)
    ),
    IndicatorSpec("ON_TIME", "Đúng hạn", "integer", "hồ sơ", required=True, min_value=Decimal(0)),
    IndicatorSpec("LATE", "Quá hạn", "integer", "hồ sơ", required=True, min_value=Decimal(0)),
    IndicatorSpec(
        "RATE",
        "Tỷ lệ đúng hạn",
        "percentage",
        "%",
        formula="ROUND(ON_TIME / (ON_TIME + LATE) * 100, 2)",
        aggregation=Aggregation.FORMULA,
    ),
    IndicatorSpec(
        "SHARE", "Tỷ lệ hộ có internet", "percentage", "%", aggregation=Aggregation.AVERAGE
    ),
    IndicatorSpec("ISO", "ISO 9001", "choice", choices="Có\nKhông", aggregation=Aggregation.NONE),
    IndicatorSpec("NOTE", "Kiến nghị", "text", aggregation=Aggregation.NONE),
]


@dataclass
class Reporting:
    province: Agency
    districts: list[Agency]
    receiver: User  # the province's reporting officer
    officers: list[User]  # each district's reporting officer
    leaders: list[User]  # each district's leader
    form: ReportForm
    period: ReportingPeriod

    def report(self, index: int) -> AgencyReport:
        return AgencyReport.objects.get(period=self.period, agency=self.districts[index])


def build(province: Agency, agency_factory: Callable[..., Agency], user_factory: Any) -> Reporting:
    districts = [
        agency_factory(name, "UBND") for name in ("UBND huyện U Minh", "UBND huyện Thới Bình")
    ]
    receiver = user_factory(province, [Role.REPORT_OFFICER])
    officers = [user_factory(d, [Role.REPORT_OFFICER]) for d in districts]
    leaders = [user_factory(d, [Role.AGENCY_LEADER]) for d in districts]
    form = ReportForm.objects.create(
        code="quy",
        name="Báo cáo quý",
        periodicity=Periodicity.QUARTERLY,
        aggregator=province,
    )
    form.reporting_agencies.set(districts)
    services.save_form_version(form=form, indicators=INDICATORS, actor=None)
    period = services.open_period(form=form, actor=receiver, year=2012, number=2)
    return Reporting(province, districts, receiver, officers, leaders, form, period)


@pytest.fixture
def reporting(province: Agency, agency_factory: Any, user_factory: Any) -> Reporting:
    return build(province, agency_factory, user_factory)


def matrix_objects(stp: Agency, province: Agency) -> dict[str, int]:
    """The permission matrix's reporting objects: a form the province collects from Sở Tư pháp
    (no required indicator, so its leader may submit it as it is), its open period and the
    department's report in it."""
    form = ReportForm.objects.create(
        code="ma-tran", name="Báo cáo ma trận", periodicity=Periodicity.YEARLY, aggregator=province
    )
    form.reporting_agencies.set([stp])
    specs = [
        IndicatorSpec("DOCS", "Văn bản đến", "integer"),
        IndicatorSpec("NOTE", "Ghi chú", "text"),
    ]
    services.save_form_version(form=form, indicators=specs, actor=None)
    period = services.open_period(form=form, actor=None, year=2012)
    report = AgencyReport.objects.get(period=period, agency=stp)
    return {"report_form": form.pk, "report_period": period.pk, "agency_report": report.pk}
