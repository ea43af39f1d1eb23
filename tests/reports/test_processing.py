"""Processing statistics by unit and by person (documents and one-stop dossier steps), the
leaders' dashboard and the list behind each figure: who sees what, and that the figures and
the lists come from the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.documents.models import Document
from lienthong.onestop.models import Dossier
from lienthong.reports import processing
from lienthong.workflows.constants import AssignmentRole, AssignmentState
from lienthong.workflows.models import Assignment
from tests.documents.conftest import register_incoming  # noqa: F401 (fixture)
from tests.reports.dates import month

# The window ends today (the suite's clock, LIENTHONG_TEST_CLOCK in CI): its day n is
# START + n - 1, so "day 30" is ten days ahead and the previous month's document is before it.
TODAY = timezone.localdate()
START = TODAY - timedelta(days=19)
WINDOW = (START, TODAY)


def nth(n: int) -> date:
    """Day n of the window (day 1 is its first day; n may pass its end)."""
    return START + timedelta(days=n - 1)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 9:00 in Vietnam


@dataclass
class Office:
    agency: Agency
    other: Agency
    unit: Unit
    specialist: User
    leader: User
    documents: dict[str, Document]


@pytest.fixture
def clerk(two_agencies: Any, user_factory: Any) -> User:
    return user_factory(two_agencies[0], [Role.CLERK])


@pytest.fixture
def office(two_agencies: Any, clerk: User, user_factory: Any, register_incoming: Any) -> Office:  # noqa: F811
    agency, other = two_agencies
    unit = account_services.create_unit(
        actor=None, agency=agency, name="Phòng Văn bản", abbreviation="PVB"
    )
    specialist = user_factory(agency, [Role.SPECIALIST], unit=unit)
    leader = user_factory(agency, [Role.AGENCY_LEADER])

    def assign(
        name: str,
        assigned: date,
        deadline: date | None,
        state: str,
        finished: date | None = None,
        person: tuple[date | None, str, date | None] | None = None,
    ) -> Document:
        document = register_incoming(subject=f"Văn bản {name}")
        top = Assignment.objects.create(
            document=document,
            role=AssignmentRole.LEAD,
            assignee_unit=unit,
            deadline=deadline,
            assigned_by=leader,
            state=state,
            assigned_at=_at(assigned),
            finished_at=_at(finished) if finished else None,
        )
        if person:
            Assignment.objects.create(
                document=document,
                parent=top,
                role=AssignmentRole.LEAD,
                assignee_user=specialist,
                deadline=person[0],
                assigned_by=leader,
                state=person[1],
                assigned_at=_at(assigned),
                finished_at=_at(person[2]) if person[2] else None,
            )
        return document

    done, open_ = AssignmentState.COMPLETED, AssignmentState.IN_PROGRESS
    documents = {
        "on_time": assign(
            "đúng hạn",
            nth(3),
            nth(10),
            done,
            nth(9),
            person=(nth(9), done, nth(9)),
        ),
        "late": assign(
            "trễ hạn",
            nth(4),
            nth(6),
            done,
            nth(12),
            person=(nth(6), done, nth(12)),
        ),
        "overdue": assign(
            "quá hạn",
            nth(5),
            nth(10),
            open_,
            person=(nth(30), open_, None),
        ),
        "no_deadline": assign("không hạn", nth(5), None, open_),
        "before": assign("tháng trước", nth(-30), nth(-26), open_),
    }
    return Office(agency, other, unit, specialist, leader, documents)


@pytest.mark.django_db
def test_documents_by_unit_and_by_person_count_each_figure(office: Office) -> None:
    ids = [office.agency.pk]
    by_unit = processing.table("documents", "unit", ids, *WINDOW, TODAY)
    by_person = processing.table("documents", "person", ids, *WINDOW, TODAY)
    assert [(r.name, r.counts) for r in by_unit] == [
        (
            "Phòng Văn bản",
            {"received": 4, "on_time": 1, "late": 1, "overdue": 1, "in_progress": 1},
        )
    ]
    assert [(r.key, r.counts) for r in by_person] == [
        (
            office.specialist.pk,
            {"received": 3, "on_time": 1, "late": 1, "overdue": 0, "in_progress": 1},
        )
    ]
    assert by_unit[0].on_time_rate == 50.0
    # Another agency's statistics do not see them.
    assert processing.table("documents", "unit", [office.other.pk], *WINDOW, TODAY) == []


@pytest.mark.django_db
def test_the_list_behind_a_figure_holds_the_rows_it_counted(office: Office) -> None:
    ids = [office.agency.pk]
    for figure, names in (
        ("late", ["late"]),
        ("overdue", ["overdue"]),
        ("received", ["on_time", "late", "overdue", "no_deadline"]),
    ):
        rows = processing.rows("documents", "unit", office.unit.pk, figure, ids, *WINDOW, TODAY)
        assert {a.document_id for a in rows} == {office.documents[n].pk for n in names}


@pytest.mark.django_db
def test_dashboard_and_drill_down_for_the_agency_leader(office: Office) -> None:
    client = Client()
    client.force_login(office.leader)
    query = {"tu": WINDOW[0].isoformat(), "den": WINDOW[1].isoformat()}
    page = client.get("/bao-cao/lanh-dao/", query)
    assert page.status_code == 200
    # Now: the document assigned in the window past its deadline, and the month-before one.
    assert page.context["week"]["documents_overdue"] == 2
    unit_row = next(r for r in page.context["sections"][0]["rows"])
    assert unit_row.counts["late"] == 1
    page_text = page.content.decode()
    assert unit_row.urls["late"].replace("&", "&amp;") in page_text
    listed = client.get(unit_row.urls["late"])
    assert listed.status_code == 200
    assert "Văn bản trễ hạn" in listed.content.decode()
    assert "Văn bản đúng hạn" not in listed.content.decode()
    api = client.get("/api/v1/reports/processing/", query).json()
    assert api["documents_unit"] == [
        {
            "id": office.unit.pk,
            "name": "Phòng Văn bản",
            "agency": office.agency.name,
            "received": 4,
            "on_time": 1,
            "late": 1,
            "overdue": 1,
            "in_progress": 1,
        }
    ]
    assert client.get("/api/v1/reports/processing/", {"tu": "x"}).status_code == 400
    export = client.get("/bao-cao/lanh-dao/", {**query, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_other_people_do_not_see_the_agency_figures(
    office: Office, province: Agency, user_factory: Any
) -> None:
    late_url = processing.list_url("documents", "unit", office.unit.pk, "late", *WINDOW)
    other_leader = user_factory(office.other, [Role.AGENCY_LEADER])
    for user in (office.specialist, None):
        client = Client()
        if user:
            client.force_login(user)
        assert client.get("/bao-cao/lanh-dao/").status_code in (302, 404)
        assert client.get("/api/v1/reports/processing/").status_code in (401, 403, 404)
    client = Client()
    client.force_login(other_leader)
    # Their own dashboard has no row of the other agency; naming it is refused.
    page = client.get(
        "/bao-cao/lanh-dao/", {"tu": WINDOW[0].isoformat(), "den": WINDOW[1].isoformat()}
    )
    assert page.status_code == 200
    assert all(not section["rows"] for section in page.context["sections"])
    assert client.get(late_url + f"&co_quan={office.agency.pk}").status_code == 404
    listed = client.get(late_url)
    assert "Văn bản trễ hạn" not in listed.content.decode()
    # The province's leader sees the province, this agency included.
    governor = user_factory(province, [Role.AGENCY_LEADER])
    client.force_login(governor)
    listed = client.get(late_url + f"&co_quan={office.agency.pk}")
    assert listed.status_code == 200 and "Văn bản trễ hạn" in listed.content.decode()


@pytest.mark.django_db
def test_dossier_steps_by_unit_and_by_person(three_dossiers: list[Dossier], world: Any) -> None:
    ids = [world.dept.pk, world.other.pk]
    window = month()
    by_unit = {r.name: r.counts for r in processing.table("dossiers", "unit", ids, *window, TODAY)}
    assert by_unit[world.bc.name] == {
        "received": 3,
        "on_time": 3,
        "late": 0,
        "overdue": 0,
        "in_progress": 0,
    }
    by_person = {
        r.key: r.counts for r in processing.table("dossiers", "person", ids, *window, TODAY)
    }
    assert by_person[world.other_handler.pk]["late"] == 1
    assert by_person[world.other_handler.pk]["on_time"] == 2
    late = processing.rows(
        "dossiers", "person", world.other_handler.pk, "late", ids, *window, TODAY
    )
    assert [s.dossier_id for s in late] == [three_dossiers[1].pk]
