"""IT training: the skills standard's modules, courses, classes and their sessions, the
agencies' nominations (enrolments), attendance, results, certificates and yearly plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.core.models import TimeStampedModel

from .constants import ClassStatus, EnrolmentStatus, ModuleLevel, Result, Topic
from .querysets import ClassQuerySet, EnrolmentQuerySet


class SkillModule(models.Model):
    """A module of the national IT-skills standard (IU01-IU15) or of this installation."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=ModuleLevel.choices)
    standard = models.CharField(
        _("standard"), max_length=40, blank=True, help_text=_("e.g. 03/2014/TT-BTTTT")
    )

    class Meta:
        verbose_name = _("skill module")
        verbose_name_plural = _("skill modules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Course(TimeStampedModel):
    """A course (chương trình): what a class teaches, for how many hours."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    hours = models.PositiveSmallIntegerField(_("hours"))
    modules = models.ManyToManyField(
        SkillModule, verbose_name=_("skill modules"), blank=True, related_name="courses"
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="course_hours_positive")
        ]

    def __str__(self) -> str:
        return self.title


class TrainingClass(TimeStampedModel):
    """A class (lớp) of a course, organised by an agency, open to every agency's officials."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="classes"
    )
    organiser = models.ForeignKey(
        Agency, verbose_name=_("organising agency"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("on-line"), default=False)
    trainer = models.CharField(_("trainer"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    status = models.CharField(
        _("status"), max_length=10, choices=ClassStatus.choices, default=ClassStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="class_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="class_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """A session (buổi học) of a class, where attendance is taken."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="sessions"
    )
    day = models.DateField(_("day"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), default=4)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.training_class}: {self.day:%d/%m/%Y}"


class Enrolment(TimeStampedModel):
    """An official nominated by their agency for a class, and what became of it."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="enrolments"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.NOMINATED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["training_class", "official__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "official"], name="enrolment_once_per_class"
            )
        ]

    def __str__(self) -> str:
        return f"{self.official} — {self.training_class}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.session.day} {'✓' if self.present else '✗'}"


class Certificate(models.Model):
    """The certificate (chứng nhận) of an official who passed; `code` is the random,
    unguessable key of its public verification page."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class TrainingPlan(TimeStampedModel):
    """An agency's training plan for a year (kế hoạch đào tạo), with, for years whose classes
    are not all recorded here, the totals the agency reported on paper."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.TextField(_("note"), blank=True)
    reported_classes = models.PositiveIntegerField(_("classes reported"), null=True, blank=True)
    reported_officials = models.PositiveIntegerField(_("officials reported"), null=True, blank=True)
    reported_source = models.CharField(
        _("source of the reported figures"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="training_plan_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


class PlanItem(models.Model):
    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items")
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    classes = models.PositiveSmallIntegerField(_("classes planned"))
    officials = models.PositiveIntegerField(_("officials planned"))

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "topic"], name="plan_item_once_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.topic}"
