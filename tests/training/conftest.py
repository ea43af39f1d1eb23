from __future__ import annotations

from datetime import date

import pytest

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.training import services
from lienthong.training.constants import Topic
from lienthong.training.models import Course, SkillModule, TrainingClass


@pytest.fixture
def agency(two_agencies) -> Agency:
    return two_agencies[0]


@pytest.fixture
def other_agency(two_agencies) -> Agency:
    return two_agencies[1]


@pytest.fixture
def organiser(other_agency, user_factory) -> User:
    return user_factory(other_agency, [Role.TRAINING_ORGANISER], username="daotao.snv")


@pytest.fixture
def clerk(agency, user_factory) -> User:
    return user_factory(agency, [Role.CLERK], username="vanthu.stp")


@pytest.fixture
def officials(agency, user_factory) -> list[User]:
    return [user_factory(agency, [Role.SPECIALIST]) for _ in range(3)]


@pytest.fixture
def course(db) -> Course:
    course = Course.objects.create(title="Xử lý văn bản nâng cao", topic=Topic.ADVANCED, hours=40)
    course.modules.set(SkillModule.objects.filter(code="IU07"))
    return course


@pytest.fixture
def training_class(organiser, course) -> TrainingClass:
    return services.open_class(
        actor=organiser,
        course=course,
        title="Lớp IU07 khóa 1",
        starts_on=date(2012, 6, 4),
        ends_on=date(2012, 6, 6),
        trainer="ThS. Trần Văn Nam",
        capacity=2,
        place="Phòng máy Sở TT&TT",
    )
