"""The demo reproduces the seed article's figures from the platform, and opens the quarterly
report for eight districts: three submitted, one returned, four late. Loading twice adds
nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lienthong.reports.aggregation import aggregate
from lienthong.reports.demo import ICT_FORM, QUARTERLY_FORM, load_demo_reports
from lienthong.reports.models import AgencyReport, ReportingPeriod, ReportValue


@pytest.mark.django_db
def test_the_demo_reproduces_the_article_and_the_quarter(demo: None) -> None:
    assert load_demo_reports()
    ict = ReportingPeriod.objects.get(form__code=ICT_FORM, year=2012)
    assert (ict.starts_on, ict.ends_on) == (date(2011, 12, 15), date(2012, 12, 14))
    rows = {row.indicator.code: row.value for row in aggregate(ict, date(2013, 1, 1)).rows}
    assert rows["INTERNET_SUBS"] == Decimal(27605)
    assert rows["HOUSEHOLD_SHARE"] == Decimal("9.62")
    assert rows["TRAIN_CLASSES"] == Decimal(18)
    assert rows["TRAINEES"] == Decimal(347)
    assert rows["DVC_L2"] == Decimal(18)
    assert rows["FTTH_SUBS"] == Decimal(598)
    assert rows["TRAINEES_PER_CLASS"] == Decimal("19.30")  # derived: 347 / 18
    iso = ReportValue.objects.get(report__period=ict, indicator__code="ISO9001")
    assert iso.text == "Đã áp dụng"

    quarter = ReportingPeriod.objects.get(form__code=QUARTERLY_FORM, year=2012, number=2)
    reports = AgencyReport.objects.filter(period=quarter)
    assert reports.count() == 8
    assert reports.filter(status="submitted").count() == 3
    assert reports.filter(status="returned").count() == 1
    assert reports.late(date(2012, 7, 1)).count() == 4
    result = aggregate(quarter, date(2012, 7, 1))
    totals = {row.indicator.code: row.value for row in result.rows}
    assert totals["DOSSIERS"] == Decimal(412 + 305 + 268)
    assert totals["ON_TIME_RATE"] == Decimal("96.14")  # 947 on time of 947 + 38 settled
    assert len(result.gaps) == 5

    assert load_demo_reports() == []
    assert ReportingPeriod.objects.count() == 2
