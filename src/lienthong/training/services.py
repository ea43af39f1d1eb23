"""State-changing use cases of training: opening a class and its sessions, nominating
officials, approving nominations (capacity enforced under a lock on the class), attendance,
results, certificates (issued and revoked) and the agencies' yearly plans."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from .constants import ClassStatus, EnrolmentStatus, Result, Topic
from .models import (
    Attendance,
    Certificate,
    Course,
    Enrolment,
    PlanItem,
    Session,
    TrainingClass,
    TrainingPlan,
)
from .permissions import require_can_nominate, require_can_organise, require_can_run_class

MAX_CAPACITY = 500


def _lock(training_class: TrainingClass) -> TrainingClass:
    locked: TrainingClass = TrainingClass.objects.select_for_update(of=("self",)).get(
        pk=training_class.pk
    )
    return locked


@transaction.atomic
def open_class(
    *,
    actor: User,
    course: Course,
    title: str,
    starts_on: date,
    ends_on: date,
    trainer: str,
    capacity: int,
    place: str = "",
    online: bool = False,
) -> TrainingClass:
    """Open a class of a course for nominations, with one session a day from start to end."""
    require_can_organise(actor)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if not trainer.strip():
        errors["trainer"] = [_("This field is required.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("A class cannot end before it starts.")]
    elif (ends_on - starts_on).days > 180:
        errors["ends_on"] = [_("A class lasts at most 180 days.")]
    if not 0 < capacity <= MAX_CAPACITY:
        errors["capacity"] = [
            _("The capacity must be between 1 and %(max)s.") % {"max": MAX_CAPACITY}
        ]
    if not online and not place.strip():
        errors["place"] = [_("Give the place, or tick on-line.")]
    if not course.is_active:
        errors["course"] = [_("That course is no longer taught.")]
    if errors:
        raise ValidationError(errors)
    assert actor.agency_id is not None
    training_class = TrainingClass.objects.create(
        course=course,
        organiser_id=actor.agency_id,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        trainer=trainer.strip(),
        capacity=capacity,
        place=place.strip(),
        online=online,
        created_by=actor,
    )
    days = (ends_on - starts_on).days + 1
    hours = max(1, round(course.hours / days))
    Session.objects.bulk_create(
        Session(
            training_class=training_class,
            day=date.fromordinal(starts_on.toordinal() + offset),
            hours=hours,
        )
        for offset in range(days)
    )
    record_event(
        action="training.class_opened",
        actor=actor,
        obj=training_class,
        data={"course": course.title, "capacity": capacity},
    )
    return training_class


@transaction.atomic
def nominate(
    *, actor: User, training_class: TrainingClass, officials: Iterable[User]
) -> list[Enrolment]:
    """The agency's leaders or clerk put forward officials of their agency."""
    require_can_nominate(actor)
    training_class = _lock(training_class)
    if training_class.status != ClassStatus.OPEN:
        raise ValidationError(_("This class no longer takes nominations."))
    chosen = list(officials)
    if not chosen:
        raise ValidationError({"officials": [_("Choose at least one official.")]})
    for official in chosen:
        if official.agency_id != actor.agency_id or not official.is_active:
            raise ValidationError({"officials": [_("Choose active officials of your agency.")]})
    already = set(
        Enrolment.objects.filter(training_class=training_class, official__in=chosen).values_list(
            "official__full_name", flat=True
        )
    )
    if already:
        raise ValidationError(
            {
                "officials": [
                    _("Already nominated for this class: %(names)s.")
                    % {"names": ", ".join(sorted(already))}
                ]
            }
        )
    assert actor.agency_id is not None
    enrolments = [
        Enrolment.objects.create(
            training_class=training_class,
            official=official,
            agency_id=actor.agency_id,
            nominated_by=actor,
        )
        for official in chosen
    ]
    record_event(
        action="training.nominated",
        actor=actor,
        obj=training_class,
        data={"officials": [official.username for official in chosen]},
    )
    return enrolments


@transaction.atomic
def decide(*, actor: User, enrolment: Enrolment, approve: bool, reason: str = "") -> Enrolment:
    """The organiser approves a nomination (if a seat is free) or rejects it with a reason."""
    training_class = _lock(enrolment.training_class)
    require_can_run_class(actor, training_class)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.NOMINATED:
        raise ValidationError(_("This nomination has already been decided."))
    if approve:
        taken = Enrolment.objects.filter(training_class=training_class).approved().count()
        if taken >= training_class.capacity:
            raise ValidationError(
                _(
                    "The class is full: %(taken)s of %(capacity)s seats are taken. Reject the "
                    "nomination or raise the class's capacity."
                )
                % {"taken": taken, "capacity": training_class.capacity}
            )
    elif not reason.strip():
        raise ValidationError({"reason": [_("Say why the nomination is rejected.")]})
    enrolment.status = EnrolmentStatus.APPROVED if approve else EnrolmentStatus.REJECTED
    enrolment.decided_by = actor
    enrolment.decided_at = timezone.now()
    enrolment.reason = reason.strip()[:500]
    enrolment.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    data = {"class": training_class.pk, "official": enrolment.official.username}
    if approve:
        record_event(action="training.enrolment_approved", actor=actor, obj=enrolment, data=data)
    else:
        record_event(action="training.enrolment_rejected", actor=actor, obj=enrolment, data=data)
    return enrolment


@transaction.atomic
def record_attendance(*, actor: User, session: Session, present: Iterable[int]) -> int:
    """Mark who of the approved trainees attended a session; returns how many were present."""
    require_can_run_class(actor, session.training_class)
    enrolments = list(
        Enrolment.objects.filter(training_class_id=session.training_class_id).approved()
    )
    present_ids = set(present)
    unknown = present_ids - {e.pk for e in enrolments}
    if unknown:
        raise ValidationError(_("Only approved trainees of the class can be marked present."))
    for enrolment in enrolments:
        Attendance.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            defaults={"present": enrolment.pk in present_ids},
        )
    record_event(
        action="training.attendance_recorded",
        actor=actor,
        obj=session.training_class,
        data={"session": session.pk, "day": session.day.isoformat(), "present": len(present_ids)},
    )
    return len(present_ids)


@transaction.atomic
def record_result(
    *, actor: User, enrolment: Enrolment, result: Result | str, score: Decimal | None = None
) -> Enrolment:
    require_can_run_class(actor, enrolment.training_class)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.APPROVED:
        raise ValidationError(_("Only an approved trainee gets a result."))
    if result not in Result.values:
        raise ValidationError({"result": [_("Choose a result.")]})
    if score is not None and not Decimal(0) <= score <= Decimal(10):
        raise ValidationError({"score": [_("The score is between 0 and 10.")]})
    if hasattr(enrolment, "certificate") and result != Result.PASSED:
        raise ValidationError(_("A certificate was issued; revoke it before changing the result."))
    enrolment.result = result
    enrolment.score = score
    enrolment.save(update_fields=["result", "score", "updated_at"])
    record_event(
        action="training.result_recorded",
        actor=actor,
        obj=enrolment,
        data={"result": str(result), "score": None if score is None else str(score)},
    )
    return enrolment


def _number(training_class: TrainingClass, ordinal: int) -> str:
    """Year, class and ordinal in the class: unique, and race-free under the class's lock."""
    return f"{training_class.ends_on.year}-{training_class.pk:04d}-{ordinal:03d}"


@transaction.atomic
def issue_certificates(*, actor: User, training_class: TrainingClass) -> list[Certificate]:
    """A certificate for each trainee who passed and has none yet; the class is then finished."""
    training_class = _lock(training_class)
    require_can_run_class(actor, training_class)
    if training_class.status == ClassStatus.CANCELLED:
        raise ValidationError(_("The class was cancelled."))
    passed = list(
        Enrolment.objects.filter(
            training_class=training_class, result=Result.PASSED, certificate__isnull=True
        )
        .approved()
        .select_related("official")
    )
    if not passed:
        raise ValidationError(_("No trainee who passed is waiting for a certificate."))
    done = Certificate.objects.filter(enrolment__training_class=training_class).count()
    now = timezone.now()
    issued = []
    for ordinal, enrolment in enumerate(passed, start=done + 1):
        issued.append(
            Certificate.objects.create(
                enrolment=enrolment,
                number=_number(training_class, ordinal),
                code=secrets.token_urlsafe(18),
                issued_at=now,
                issued_by=actor,
            )
        )
    training_class.status = ClassStatus.FINISHED
    training_class.save(update_fields=["status", "updated_at"])
    record_event(
        action="training.certificates_issued",
        actor=actor,
        obj=training_class,
        data={"numbers": [c.number for c in issued]},
    )
    return issued


@transaction.atomic
def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
    require_can_run_class(actor, certificate.enrolment.training_class)
    if certificate.revoked_at is not None:
        raise ValidationError(_("The certificate is already revoked."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()[:500]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    record_event(
        action="training.certificate_revoked",
        actor=actor,
        obj=certificate,
        data={"number": certificate.number, "reason": certificate.revoked_reason},
    )
    return certificate


@transaction.atomic
def save_plan(
    *, actor: User, year: int, items: dict[str, tuple[int, int]], note: str = ""
) -> TrainingPlan:
    """The agency's plan for a year: per topic, how many classes and officials."""
    require_can_nominate(actor)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("The year must be between 2000 and 2100.")]})
    for topic, (classes, officials) in items.items():
        if topic not in Topic.values or classes < 0 or officials < 0:
            raise ValidationError(_("Give a number of classes and officials for each topic."))
    assert actor.agency_id is not None
    plan, _created = TrainingPlan.objects.select_for_update(of=("self",)).get_or_create(
        agency_id=actor.agency_id, year=year
    )
    plan.note = note.strip()
    plan.save(update_fields=["note", "updated_at"])
    for topic, (classes, officials) in items.items():
        if classes or officials:
            PlanItem.objects.update_or_create(
                plan=plan, topic=topic, defaults={"classes": classes, "officials": officials}
            )
        else:
            PlanItem.objects.filter(plan=plan, topic=topic).delete()
    record_event(
        action="training.plan_saved",
        actor=actor,
        obj=plan,
        data={"year": year, "items": {k: list(v) for k, v in items.items()}},
    )
    return plan
