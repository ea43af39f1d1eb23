from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from lienthong.quality import indicators, services
from lienthong.quality.constants import ActionStatus
from lienthong.quality.models import Action, Clause, Finding, ManagementReview, StandardVersion
from lienthong.quality.reviews import compute_inputs, objective_results

from .conftest import returned, system_for

YEAR = (date(2012, 1, 1), date(2012, 12, 31))


def test_versions_clauses_and_review_inputs_are_data(db) -> None:
    old, new = StandardVersion.objects.order_by("code")
    assert (old.review_clause, old.preventive_action) == ("5.6.2", True)
    assert "118/2009/QĐ-TTg" in old.legal_basis and "144/2006/QĐ-TTg" in old.legal_basis
    assert (new.review_clause, new.preventive_action) == ("9.3.2", False)
    assert old.clauses.filter(number="8.5.3").exists()  # preventive action
    assert not new.clauses.filter(number="8.5.3").exists()
    assert new.clauses.filter(number="6.1").exists()  # risks and opportunities
    assert {i.source for i in new.inputs.all()} >= {"audits", "feedback", "objectives"}


def test_on_time_objective_is_computed_from_one_stop_data(system, procedure, owner) -> None:
    for outcome in ["on_time"] * 47 + ["early"] * 2 + ["late"]:
        returned(procedure, owner, date(2012, 5, 10), outcome)
    returned(procedure, owner, date(2013, 1, 5), "late")  # another year
    rate = indicators.onestop_on_time(system.agency_id, [procedure.pk], *YEAR)
    assert (rate.met, rate.total, str(rate.percent)) == (49, 50, "98.00")
    (result,) = objective_results(system, *YEAR)
    assert result["achieved"] is True and result["percent"] == "98.00"
    returned(procedure, owner, date(2012, 6, 1), "late")
    (result,) = objective_results(system, *YEAR)
    assert result["achieved"] is False and result["percent"] == "96.08"
    inputs = {i["code"]: i for i in compute_inputs(system, *YEAR)}
    assert "Hồ sơ trễ hạn: 2" in " ".join(inputs["c"]["figures"])
    assert inputs["f"]["computed"] is False


def test_audit_finding_action_done_and_verified(system, officer, owner, leader) -> None:
    clauses = {c.number: c for c in Clause.objects.filter(version=system.version)}
    audit = services.plan_audit(
        actor=officer, system=system, title="ĐGNB 1", planned_on=date(2012, 6, 1), scope="Một cửa"
    )
    with pytest.raises(PermissionDenied):
        services.record_finding(
            actor=owner, audit=audit, clause=clauses["4.2.3"], kind="nonconformity", description="x"
        )
    other_version = Clause.objects.exclude(version=system.version).first()
    with pytest.raises(ValidationError):
        services.record_finding(
            actor=officer, audit=audit, clause=other_version, kind="nonconformity", description="x"
        )
    finding = services.record_finding(
        actor=officer,
        audit=audit,
        clause=clauses["4.2.3"],
        kind="nonconformity",
        description="Mẫu cũ",
        found_on=date(2012, 6, 1),
    )
    with pytest.raises(ValidationError):
        services.open_action(
            actor=officer,
            finding=finding,
            kind="corrective",
            description="",
            owner=None,
            deadline=date(2012, 5, 1),
        )
    action = services.open_action(
        actor=officer,
        finding=finding,
        kind="preventive",
        description="Rà soát",
        owner=owner,
        deadline=date(2012, 7, 1),
    )
    with pytest.raises(PermissionDenied):
        services.complete_action(actor=leader, action=action, note="x")
    with pytest.raises(ValidationError):
        services.verify_action(actor=officer, action=action, effective=True, note="x")
    services.complete_action(actor=owner, action=action, note="Đã làm")
    services.verify_action(actor=officer, action=action, effective=False, note="Chưa hiệu quả")
    assert Action.objects.get().status == ActionStatus.REOPENED
    services.complete_action(actor=owner, action=action, note="Làm lại")
    services.verify_action(actor=officer, action=action, effective=True, note="Kiểm tra lại: tốt")
    assert Action.objects.get().status == ActionStatus.CLOSED
    assert AuditEvent.objects.filter(action__startswith="quality.").count() == 7


def test_the_2015_version_has_no_preventive_action(agency, officer, owner) -> None:
    system = system_for(agency, "2015")
    audit = services.plan_audit(
        actor=officer, system=system, title="ĐGNB", planned_on=date(2024, 6, 1), scope="VP"
    )
    finding = services.record_finding(
        actor=officer,
        audit=audit,
        clause=Clause.objects.get(version=system.version, number="6.1"),
        kind="observation",
        description="Chưa nhận diện rủi ro",
    )
    with pytest.raises(ValidationError, match="không có hành động phòng ngừa"):
        services.open_action(
            actor=officer,
            finding=finding,
            kind="preventive",
            description="x",
            owner=owner,
            deadline=date(2024, 7, 1),
        )


def test_pages_review_report_and_access(
    system, procedure, officer, owner, leader, user_factory, two_agencies
) -> None:
    returned(procedure, owner, date(2012, 5, 10), "on_time")
    keeper, boss, doer = Client(), Client(), Client()
    keeper.force_login(officer)
    boss.force_login(leader)
    doer.force_login(owner)
    stranger = Client()
    stranger.force_login(user_factory(two_agencies[1], [Role.QUALITY_OFFICER]))
    assert keeper.get(reverse("quality:home") + "?nam=2012").status_code == 200
    assert doer.get(reverse("quality:home")).status_code == 404
    assert stranger.get(reverse("quality:home")).status_code == 404
    audit = services.plan_audit(
        actor=officer, system=system, title="ĐGNB", planned_on=date(2012, 6, 1), scope="Một cửa"
    )
    assert stranger.get(reverse("quality:audit", args=[audit.pk])).status_code == 404
    clause = Clause.objects.get(version=system.version, number="7.5")
    keeper.post(
        reverse("quality:add-finding", args=[audit.pk]),
        {"clause": clause.pk, "kind": "nonconformity", "description": "Trễ hạn không xin lỗi"},
    )
    finding = Finding.objects.get()
    keeper.post(
        reverse("quality:add-action", args=[finding.pk]),
        {
            "kind": "corrective",
            "description": "Lập phiếu xin lỗi",
            "owner": owner.pk,
            "deadline": "2012-07-01",
        },
    )
    action = Action.objects.get()
    assert doer.get(reverse("quality:my-actions")).context["actions"].get() == action
    doer.post(reverse("quality:action", args=[action.pk]), {"note": "Đã lập"})
    keeper.post(
        reverse("quality:action", args=[action.pk]), {"note": "Hiệu quả", "effective": "on"}
    )
    assert Action.objects.get().status == ActionStatus.CLOSED
    page = boss.get(reverse("quality:review") + "?nam=2012")
    assert page.context["objectives"][0]["percent"] == "100.00"
    assert "5.6.2" in page.content.decode()
    boss.post(
        reverse("quality:review") + "?nam=2012", {"held_on": "2012-12-20", "decisions": "Duy trì"}
    )
    review = ManagementReview.objects.get()
    assert review.inputs and review.decisions == "Duy trì"
    this_year = timezone.localdate().year  # the finding was recorded today
    xlsx = keeper.get(reverse("quality:report") + f"?nam={this_year}")
    rows = dict(
        (r[0], r[1])
        for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
        if r and len(r) > 1
    )
    assert rows["Số điểm không phù hợp"] == 1
    assert rows["Hành động khắc phục đã đóng"] == 1
    assert rows["Số thủ tục hành chính trong phạm vi"] == 1


def test_demo_quality_is_loaded_once(demo) -> None:
    from lienthong.quality.demo import load_demo_quality

    assert load_demo_quality() is True
    assert load_demo_quality() is False
    assert Finding.objects.count() == 2
    assert Action.objects.get().status == ActionStatus.CLOSED
