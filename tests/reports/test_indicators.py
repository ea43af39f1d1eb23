"""The report's figures against sums done by hand on the three dossiers of conftest.py.

Per dossier (0/1/2): 1 total time, 2 worst unit, 3 times asked for papers, 4 agencies dealt
with (on-line: 2), 6 procedure published, 7 staff attitude.
    A: early, steps early/early/early, asked 0, rated attitude 4 -> 2 2 2 2 2 2
    B: on time, a step late, asked once, attitude 3             -> 1 0 1 2 2 1
    C: late, a step late, asked 0, attitude 1 (a complaint)     -> 0 0 2 2 2 0
Agency (Art. 15: averages rounded to one decimal):
    1: 3/3 = 1.0   2: 2/3 = 0.7   3: 5/3 = 1.7   4: 2.0   7: 3/3 = 1.0
    6: its one procedure is published -> 2
    9: level-3 procedure (100% >= 20%), 3/3 dossiers on-line, but C is late -> 0
    5, 8: no data. Total 8.4 out of 14 -> 8.4 * 18 / 14 = 10.8 -> "Khá" (9 to under 12)
Officers (over the dossiers they handled): the BCVT handler handled A, B, C -> the agency's
averages 1.0 + 0.7 + 1.7 + 2.0 + 1.0 = 6.4 -> at least 5: 100% of tasks.
On time: 1 early, 1 on time, 1 late -> 66.7%. Satisfaction 4, 2, 1 -> 2.3; satisfied 33.3%.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from lienthong.reports.indicators import Period, build_report, per_agency, per_dossier
from tests.reports.dates import day

pytestmark = pytest.mark.django_db

D = Decimal


def test_per_dossier_indicators(three_dossiers) -> None:
    from lienthong.onestop.models import Dossier

    rows = {r["code"]: r for r in per_dossier(Dossier.objects.all(), Period())}
    a, b, c = (rows[d.code] for d in three_dossiers)
    keys = ("i1", "i2", "i3", "i4", "i6", "i7")
    assert [a[k] for k in keys] == [2, 2, 2, 2, 2, 2]
    assert [b[k] for k in keys] == [1, 0, 1, 2, 2, 1]
    assert [c[k] for k in keys] == [0, 0, 2, 2, 2, 0]
    assert [a["total"], b["total"], c["total"]] == [12, 7, 6]
    assert [a["outcome_label"], b["outcome_label"], c["outcome_label"]] == [
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
    ]


def test_agency_officer_on_time_and_satisfaction(three_dossiers, world) -> None:
    from lienthong.onestop.models import Dossier

    report = build_report(Dossier.objects.all(), Period())
    [agency] = report.agencies
    assert agency["agency"] == world.dept.name and agency["dossiers"] == 3
    assert [agency[f"i{n}"] for n in range(1, 10)] == [
        D("1.0"),
        D("0.7"),
        D("1.7"),
        D("2.0"),
        None,
        2,
        D("1.0"),
        None,
        0,
    ]
    assert (agency["total"], agency["max_total"], agency["scaled_total"]) == (
        D("8.4"),
        14,
        D("10.8"),
    )
    assert agency["band"] == "Khá"

    officers = {r["officer"]: r for r in report.officers}
    handler = officers[world.bc_handler.full_name]
    assert handler["dossiers"] == 3
    assert handler["total"] == D("6.4")
    assert handler["band"] == "Hoàn thành 100% nhiệm vụ"
    # The other agency's handler handled the same three dossiers.
    assert officers[world.other_handler.full_name]["dossiers"] == 3

    [rates] = report.on_time_by_agency
    assert (rates["closed"], rates["early"], rates["on_time"], rates["late"]) == (3, 1, 1, 1)
    assert rates["on_time_rate"] == D("66.7")
    [by_procedure] = report.on_time_by_procedure
    assert by_procedure["procedure__name"] == world.procedure.name
    [by_month] = report.on_time_by_month
    assert (by_month["month"].year, by_month["month"].month, by_month["closed"]) == (
        day(0).year,
        day(0).month,
        3,
    )

    [sat] = report.satisfaction_by_agency
    assert (sat["ratings"], sat["average"], sat["satisfied_rate"]) == (3, D("2.3"), D("33.3"))
    assert (sat["very_satisfied"], sat["satisfied"], sat["neutral"], sat["dissatisfied"]) == (
        1,
        0,
        1,
        1,
    )


def test_period_keeps_only_dossiers_closed_in_it(three_dossiers) -> None:
    from lienthong.onestop.models import Dossier

    # A closed 7/12, B 15/12, C 24/12.
    report = build_report(Dossier.objects.all(), Period(start=day(1), end=day(8)))
    assert [r["code"] for r in report.dossiers] == [three_dossiers[1].code]
    [agency] = per_agency(Dossier.objects.all(), Period(end=day(8)))
    # A and B: 1: 3/2 = 1.5, 2: 2/2 = 1.0, 3: 3/2 = 1.5, 4: 2.0, 7: 3/2 = 1.5; 6: 2; 9: A and B
    # received on-line and none late -> 2. Total 11.5 / 14 -> 14.8 on 18 -> "Tốt".
    assert [agency[f"i{n}"] for n in (1, 2, 3, 4, 7)] == [
        D("1.5"),
        D("1.0"),
        D("1.5"),
        D("2.0"),
        D("1.5"),
    ]
    assert agency["i9"] == 2
    assert (agency["total"], agency["scaled_total"], agency["band"]) == (
        D("11.5"),
        D("14.8"),
        "Tốt",
    )


def test_indicators_are_computed_in_a_fixed_number_of_queries(
    three_dossiers, django_assert_max_num_queries
) -> None:
    from lienthong.onestop.models import Dossier

    with django_assert_max_num_queries(12):
        build_report(Dossier.objects.all(), Period())
