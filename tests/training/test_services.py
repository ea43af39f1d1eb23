from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.core.models import AuditEvent
from lienthong.training import services, stats
from lienthong.training.constants import ClassStatus, EnrolmentStatus, Result
from lienthong.training.models import Attendance, Certificate, Enrolment, SkillModule


def test_the_skills_standard_is_loaded_as_data(db) -> None:
    basic = SkillModule.objects.filter(code__startswith="IU", level="basic")
    advanced = SkillModule.objects.filter(code__startswith="IU", level="advanced")
    assert [m.code for m in basic] == [f"IU0{n}" for n in range(1, 7)]
    assert advanced.count() == 9
    assert SkillModule.objects.get(code="IU14").name == "An toàn, bảo mật thông tin"
    assert set(basic.values_list("standard", flat=True)) == {"03/2014/TT-BTTTT"}


def test_open_class_makes_a_session_per_day_and_refuses_bad_input(
    training_class, organiser, course, clerk
) -> None:
    assert training_class.sessions.count() == 3
    assert AuditEvent.objects.filter(action="training.class_opened").count() == 1
    with pytest.raises(ValidationError) as caught:
        services.open_class(
            actor=organiser,
            course=course,
            title="x",
            starts_on=date(2012, 6, 6),
            ends_on=date(2012, 6, 4),
            trainer="",
            capacity=0,
        )
    assert set(caught.value.message_dict) == {"ends_on", "trainer", "capacity", "place"}
    with pytest.raises(PermissionDenied):
        services.open_class(
            actor=clerk,
            course=course,
            title="x",
            starts_on=date(2012, 6, 4),
            ends_on=date(2012, 6, 4),
            trainer="y",
            capacity=5,
            online=True,
        )


def test_nomination_is_of_own_agency_and_capacity_is_enforced(
    training_class, clerk, officials, organiser, user_factory, other_agency
) -> None:
    outsider = user_factory(other_agency)
    with pytest.raises(ValidationError):
        services.nominate(actor=clerk, training_class=training_class, officials=[outsider])
    with pytest.raises(PermissionDenied):
        services.nominate(actor=officials[0], training_class=training_class, officials=officials)
    enrolments = services.nominate(actor=clerk, training_class=training_class, officials=officials)
    with pytest.raises(ValidationError, match="Đã được cử"):
        services.nominate(actor=clerk, training_class=training_class, officials=officials[:1])
    services.decide(actor=organiser, enrolment=enrolments[0], approve=True)
    services.decide(actor=organiser, enrolment=enrolments[1], approve=True)
    with pytest.raises(ValidationError, match="đã duyệt 2 trên 2"):
        services.decide(actor=organiser, enrolment=enrolments[2], approve=True)
    with pytest.raises(ValidationError):
        services.decide(actor=organiser, enrolment=enrolments[2], approve=False, reason="")
    services.decide(actor=organiser, enrolment=enrolments[2], approve=False, reason="Đủ chỗ")
    assert list(
        Enrolment.objects.filter(training_class=training_class)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["approved", "approved", "rejected"]
    with pytest.raises(PermissionDenied):
        services.decide(actor=clerk, enrolment=enrolments[2], approve=True)


def _approved(training_class, clerk, officials, organiser):
    enrolments = services.nominate(
        actor=clerk, training_class=training_class, officials=officials[:2]
    )
    for enrolment in enrolments:
        services.decide(actor=organiser, enrolment=enrolment, approve=True)
    return enrolments


def test_attendance_results_certificates_and_revocation(
    training_class, clerk, officials, organiser
) -> None:
    first, second = _approved(training_class, clerk, officials, organiser)
    session = training_class.sessions.first()
    assert services.record_attendance(actor=organiser, session=session, present=[first.pk]) == 1
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {
        first.pk: True,
        second.pk: False,
    }
    with pytest.raises(ValidationError):
        services.record_attendance(actor=organiser, session=session, present=[999999])
    with pytest.raises(ValidationError):
        services.issue_certificates(actor=organiser, training_class=training_class)
    services.record_result(
        actor=organiser, enrolment=first, result=Result.PASSED, score=Decimal("8.5")
    )
    services.record_result(actor=organiser, enrolment=second, result=Result.FAILED)
    with pytest.raises(ValidationError):
        services.record_result(
            actor=organiser, enrolment=second, result=Result.PASSED, score=Decimal(11)
        )
    (certificate,) = services.issue_certificates(actor=organiser, training_class=training_class)
    assert certificate.enrolment == first
    assert certificate.number == f"2012-{training_class.pk:04d}-001"
    assert len(certificate.code) >= 24
    training_class.refresh_from_db()
    assert training_class.status == ClassStatus.FINISHED
    with pytest.raises(ValidationError):
        services.record_result(actor=organiser, enrolment=first, result=Result.FAILED)
    services.revoke_certificate(actor=organiser, certificate=certificate, reason="Nhầm người")
    assert Certificate.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action__startswith="training.").count() >= 8


def test_training_counts_are_computed_from_approved_trainees(
    training_class, clerk, officials, organiser, agency, other_agency
) -> None:
    _approved(training_class, clerk, officials, organiser)
    services.nominate(actor=clerk, training_class=training_class, officials=officials[2:])
    year = (date(2012, 1, 1), date(2012, 12, 31))
    assert stats.training_counts(None, *year) == {
        "classes_held": 1,
        "officials_trained": 2,
        "training_hours": 80,
    }
    assert stats.training_counts([other_agency.pk], *year) == {
        "classes_held": 0,
        "officials_trained": 0,
        "training_hours": 0,
    }
    assert (
        stats.training_counts([agency.pk], date(2013, 1, 1), date(2013, 12, 31))["classes_held"]
        == 0
    )
    (row,) = stats.breakdown("topic", None, *year)
    assert (row["key"], row["officials_trained"]) == ("advanced", 2)
    assert stats.breakdown("agency", None, *year)[0]["key"] == agency.name


def test_plan_is_saved_by_the_agency(clerk, officials) -> None:
    plan = services.save_plan(actor=clerk, year=2012, items={"basic": (2, 60), "security": (0, 0)})
    assert list(plan.items.values_list("topic", "classes", "officials")) == [("basic", 2, 60)]
    with pytest.raises(PermissionDenied):
        services.save_plan(actor=officials[0], year=2012, items={})
    with pytest.raises(ValidationError):
        services.save_plan(actor=clerk, year=2012, items={"basic": (-1, 0)})


def test_demo_loads_the_2012_classes_once(demo) -> None:
    from lienthong.training.demo import load_demo_training

    assert load_demo_training() == 5
    assert load_demo_training() == 0
    counts = stats.training_counts(None, date(2012, 1, 1), date(2012, 12, 31))
    assert counts["classes_held"] == 4
    assert counts["officials_trained"] > 10
    assert Certificate.objects.filter(revoked_at__isnull=True).count() > 10
    assert Enrolment.objects.filter(status=EnrolmentStatus.NOMINATED).exists()
