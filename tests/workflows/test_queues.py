"""Work queues (to do, overdue, due soon, done) are filters the database evaluates on a frozen
day; list pages are keyset-paginated and do not grow queries with their rows."""

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole, Queue
from lienthong.workflows.models import Assignment
from lienthong.workflows.services import Assignee

LEAD = AssignmentRole.LEAD


def give(people, doc, **deadline) -> Assignment:
    (assignment,) = services.assign(
        actor=people.leader,
        document=doc,
        assignees=[Assignee(role=LEAD, unit=people.legal)],
        **deadline,
    )
    return assignment


def test_overdue_and_due_soon_follow_the_frozen_day(clock, people, incoming) -> None:
    p = people
    early = give(p, incoming(subject="Sớm"), deadline=date(2026, 2, 13))
    soon = give(p, incoming(subject="Sắp đến hạn"), working_days=2)  # 23/02, after Tết
    later = give(p, incoming(subject="Còn lâu"), working_days=10)  # 05/03
    undated = give(p, incoming(subject="Không hạn"))
    assert soon.deadline == date(2026, 2, 23) and later.deadline == date(2026, 3, 5)
    mine = Assignment.objects.handled_by(p.legal_head)

    assert set(mine.overdue()) == set()
    assert set(mine.due_soon()) == {early, soon}  # within two working days: 13/02, 23/02

    clock.set(date(2026, 2, 23))  # Monday after Tết; two working days ahead is 25/02
    assert set(mine.overdue()) == {early}
    assert set(mine.due_soon()) == {soon}
    assert set(mine.in_queue(Queue.TODO)) == {early, soon, later, undated}
    assert mine.queue_counts() == {"todo": 4, "overdue": 1, "due_soon": 1, "done": 0}

    services.complete(actor=p.legal_head, assignment=soon)
    assert mine.queue_counts() == {"todo": 3, "overdue": 1, "due_soon": 0, "done": 1}

    clock.set(date(2026, 3, 6))
    assert set(mine.overdue()) == {early, later}
    flags = dict(mine.for_list().values_list("pk", "is_overdue"))
    assert flags == {early.pk: True, soon.pk: False, later.pk: True, undated.pk: False}


def test_queues_are_single_sql_filters(clock, people, incoming) -> None:
    give(people, incoming(), working_days=1)
    mine = Assignment.objects.handled_by(people.legal_head)
    sql = str(mine.overdue(date(2026, 3, 1)).query)
    assert re.search(r'"deadline" < ', sql) and "2026-03-01" in sql
    sql = str(mine.due_soon(date(2026, 2, 13)).query)
    assert "2026-02-13" in sql and "2026-02-24" in sql  # the cutoff, worked out once
    with CaptureQueriesContext(connection) as queries:
        mine.queue_counts(date(2026, 2, 13), date(2026, 2, 24))
    # The work at hand in one query; the finished work in a second, capped one.
    assert len(queries) == 2 and "LIMIT 1000" in queries[1]["sql"]


def test_queue_page_is_keyset_paginated_without_n_plus_one(
    clock, people, incoming, web, django_assert_max_num_queries
) -> None:
    p = people
    for n in range(30):
        give(p, incoming(subject=f"Văn bản số {n:02d}"), deadline=date(2026, 3, 1 + n % 20))
    client = web(p.legal_head)
    url = reverse("workflows:queue")
    with django_assert_max_num_queries(20):
        first = client.get(url, {"tab": "todo"})
    page = first.content.decode()
    assert first.status_code == 200
    shown = set(re.findall(r"Văn bản số (\d\d)", page))
    assert len(shown) == 25
    cursor = re.search(r'after=([^"&]+)"', page)
    assert cursor is not None
    second = client.get(url, {"tab": "todo", "after": cursor.group(1).replace("%3A", ":")})
    rest = set(re.findall(r"Văn bản số (\d\d)", second.content.decode()))
    assert len(rest) == 5 and not rest & shown
    assert 'data-testid="tab-todo"' in page and ">30<" in page


def test_api_list_is_bounded_and_filtered(
    clock, people, incoming, api, django_assert_max_num_queries
) -> None:
    p = people
    for n in range(12):
        give(p, incoming(subject=f"Văn bản {n}"), working_days=1 + n)
    client = api(p.legal_head)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/assignments/", {"queue": "todo", "page_size": 5}).json()
    assert len(body["results"]) == 5 and body["next"]
    deadlines = [row["deadline"] for row in body["results"]]
    assert deadlines == sorted(deadlines)
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
    assert sorted(seen) == sorted(Assignment.objects.values_list("pk", flat=True))
    clock.set(date(2026, 2, 24))
    overdue = client.get("/api/v1/assignments/", {"queue": "overdue"}).json()["results"]
    assert [row["deadline"] for row in overdue] == ["2026-02-13", "2026-02-23"]
    assert all(row["is_overdue"] for row in overdue)
    # The specialist's own queue is empty; the unit scope is the unit leader's.
    specialist = api(p.specialist)
    assert specialist.get("/api/v1/assignments/").json()["results"] == []
    unit = specialist.get("/api/v1/assignments/", {"scope": "unit"}).json()["results"]
    assert unit == []


def test_finished_work_is_counted_up_to_the_cap(clock, people, incoming, client, monkeypatch):
    """The done tab counts no further than COUNT_CAP + 1 and shows "999+" (here "2+"): the
    cost of a queue page does not grow with years of finished work."""
    from lienthong.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    p = people
    for i in range(4):
        services.complete(actor=p.legal_head, assignment=give(p, incoming(subject=f"Việc {i}")))
    give(p, incoming(subject="Còn làm"))
    mine = Assignment.objects.handled_by(p.legal_head)
    assert mine.queue_counts()["done"] == 3 and mine.queue_counts()["todo"] == 1
    client.force_login(p.legal_head)
    page = client.get(reverse("workflows:queue")).content.decode()
    done_tab = page.split('data-testid="tab-done"')[1].split("</a>")[0]
    assert '<span class="queue-count">2+</span>' in done_tab
