"""The demo reproduces the seed article's figures from the platform, and opens the quarterly
report for eight districts: three submitted, one returned, four late. Loading twice adds
nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lienthong.exchange.models import Delivery
from lienthong.reports.aggregation import aggregate
from lienthong.reports.demo import ICT_FORM, QUARTERLY_FORM, REFORM_FORM, load_demo_reports
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

    # The reform report went as a signed document: TP Cà Mau's issued document was delivered
    # to the province, so it counts; Trần Văn Thời's is a gap.
    reform = ReportingPeriod.objects.get(form__code=REFORM_FORM, year=2012, number=1)
    assert reform.form.submitted_as_document
    city = AgencyReport.objects.get(period=reform, agency__code="000.00.30.H12")
    assert city.status == "submitted" and city.document_arrived_at is not None
    document = city.document_draft.document
    assert document is not None and document.status == "issued"
    assert Delivery.objects.get(outgoing=document).incoming.agency.code == "000.00.00.H12"
    result = aggregate(reform, date(2012, 7, 1))
    totals = {row.indicator.code: row.value for row in result.rows}
    assert totals["SIMPLIFIED_SHARE"] == Decimal("12.50")  # 31 of 248
    assert [r.agency.code for r in result.gaps] == ["000.00.31.H12"]

    assert load_demo_reports() == []
    assert ReportingPeriod.objects.count() == 3
    assert Delivery.objects.filter(outgoing=document).count() == 1
