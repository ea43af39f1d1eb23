"""The demo's IT training (idempotent): Sở TT&TT's 2012 plan and a representative set of its
2012 classes, with nominations by several agencies, attendance, results and certificates, all
made through the services (so they are audited); and, recorded as reported figures, the
province's 2011 totals from the press (18 classes, 347 officials: /work/shared/reference's
article), since those classes' rolls are not in the system."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User

from . import services
from .constants import ClassStatus, EnrolmentStatus, Result, Topic
from .models import Course, SkillModule, TrainingClass, TrainingPlan

STTTT = "000.00.11.H12"
SOURCE_2011 = (
    "Báo cáo của Sở TT&TT Cà Mau (báo chí đưa tin 2012): năm 2011 toàn tỉnh tổ chức 18 lớp "
    "tập huấn CNTT cho 347 CB-CC-VC"
)

COURSES = [
    ("Chuyển giao phần mềm quản lý văn bản và điều hành", Topic.PLATFORM, 16, ["LT-VB"]),
    ("Một cửa điện tử và dịch vụ công trực tuyến", Topic.PLATFORM, 16, ["LT-MC"]),
    ("Sử dụng chữ ký số trong cơ quan nhà nước", Topic.PLATFORM, 8, ["LT-KS"]),
    ("Quản trị mạng", Topic.NETWORK, 40, ["CN-QTM"]),
    ("An toàn, bảo mật thông tin", Topic.SECURITY, 24, ["IU14", "CN-ATTT"]),
    ("Lập và quản lý dự án ứng dụng CNTT", Topic.ADVANCED, 40, ["IU15"]),
    ("Kỹ năng sử dụng CNTT cơ bản", Topic.BASIC, 60, ["IU01", "IU02", "IU03", "IU06"]),
]

# (course, title, start, end, place, capacity, finished)
CLASSES = [
    (
        0,
        "Chuyển giao phần mềm QLVB cho cấp xã, đợt 1",
        date(2012, 3, 12),
        date(2012, 3, 13),
        "Hội trường Sở TT&TT",
        30,
        True,
    ),
    (
        3,
        "Quản trị mạng khóa 2012",
        date(2012, 4, 9),
        date(2012, 4, 13),
        "Phòng máy Trung tâm CNTT-TT",
        20,
        True,
    ),
    (
        5,
        "Lập và quản lý dự án ứng dụng CNTT",
        date(2012, 5, 21),
        date(2012, 5, 23),
        "Hội trường Sở TT&TT",
        25,
        True,
    ),
    (2, "Chữ ký số cho văn thư các sở, ngành", date(2012, 6, 18), date(2012, 6, 18), "", 40, True),
    (
        1,
        "Một cửa điện tử cho bộ phận một cửa",
        date(2012, 9, 10),
        date(2012, 9, 11),
        "Hội trường Sở TT&TT",
        30,
        False,
    ),
]


def _officials(agency: Agency) -> list[User]:
    return list(
        User.objects.filter(agency=agency, is_active=True)
        .exclude(username__startswith="quantri")
        .order_by("username")
    )


@transaction.atomic
def load_demo_training() -> int:
    """Returns the number of classes created (0 when already loaded)."""
    stttt = Agency.objects.filter(code=STTTT).first()
    organiser = User.objects.filter(username="daotao.stttt").first()
    if stttt is None or organiser is None:
        return 0
    courses = []
    for title, topic, hours, codes in COURSES:
        course, _created = Course.objects.get_or_create(
            title=title, defaults={"topic": topic, "hours": hours}
        )
        course.modules.set(SkillModule.objects.filter(code__in=codes))
        courses.append(course)
    TrainingPlan.objects.get_or_create(
        agency=stttt,
        year=2011,
        defaults={
            "reported_classes": 18,
            "reported_officials": 347,
            "reported_source": SOURCE_2011,
            "note": "Số liệu tổng hợp toàn tỉnh; danh sách học viên không nhập vào hệ thống.",
        },
    )
    if TrainingClass.objects.filter(organiser=stttt).exists():
        return 0
    clerk = User.objects.filter(agency=stttt, role_grants__role=Role.CLERK).first()
    if clerk is not None and not TrainingPlan.objects.filter(agency=stttt, year=2012).exists():
        services.save_plan(
            actor=clerk,
            year=2012,
            items={
                Topic.PLATFORM: (4, 120),
                Topic.NETWORK: (1, 20),
                Topic.SECURITY: (1, 30),
                Topic.ADVANCED: (1, 25),
            },
            note="Kế hoạch đào tạo, bồi dưỡng CNTT năm 2012 (tập huấn do Sở tổ chức).",
        )
    nominators = [
        user
        for user in User.objects.filter(role_grants__role=Role.CLERK, is_active=True)
        .select_related("agency")
        .order_by("agency__code")
        if user.agency_id is not None
    ][:8]
    for index, (course_no, title, start, end, place, capacity, finished) in enumerate(CLASSES):
        training_class = services.open_class(
            actor=organiser,
            course=courses[course_no],
            title=title,
            starts_on=start,
            ends_on=end,
            trainer="Trung tâm CNTT-TT, Sở TT&TT Cà Mau",
            capacity=capacity,
            place=place,
            online=not place,
        )
        for offset, nominator in enumerate(nominators):
            if (offset + index) % 2:
                continue  # each class takes half of the agencies
            assert nominator.agency is not None
            chosen = _officials(nominator.agency)[:3]
            if chosen:
                services.nominate(actor=nominator, training_class=training_class, officials=chosen)
        if finished:  # the last one still takes nominations, as of the demo's day
            _hold(organiser, training_class)
    return len(CLASSES)


def _hold(organiser: User, training_class: TrainingClass) -> None:
    """Approve the nominations, take attendance, record results and issue certificates."""
    pending = training_class.enrolments.filter(status=EnrolmentStatus.NOMINATED)
    for enrolment in pending.order_by("pk"):
        services.decide(actor=organiser, enrolment=enrolment, approve=True)
    approved = list(training_class.enrolments.approved().order_by("pk"))
    for day, session in enumerate(training_class.sessions.all()):
        present = [e.pk for n, e in enumerate(approved) if (n + day) % 9]
        services.record_attendance(actor=organiser, session=session, present=present)
    for n, enrolment in enumerate(approved):
        passed = n % 10 != 9
        services.record_result(
            actor=organiser,
            enrolment=enrolment,
            result=Result.PASSED if passed else Result.FAILED,
            score=Decimal(8 if passed else 4),
        )
    services.issue_certificates(actor=organiser, training_class=training_class)
    assert TrainingClass.objects.get(pk=training_class.pk).status == ClassStatus.FINISHED
