"""The pages and API calls of the load benchmark (benchmarks/load.py) ask the database a fixed
number of queries, whatever the number of rows they show or touch: each is served twice, with
few rows and with more, and both counts must be equal and within the page's budget. The signed-in
user and their roles come in one query (session: `OfficialModelBackend`; token:
`TwoFactorTokenAuthentication`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienthong.accounts import services as account_services
from lienthong.documents.models import Document, DocumentType
from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole
from lienthong.workflows.models import Assignment
from lienthong.workflows.services import Assignee
from tests.workflows.conftest import (  # noqa: F401  (fixtures)
    _messages_in_english,
    api,
    clerk,
    clock,
    incoming,
    people,
    sent,
    web,
)


def counted(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, [q["sql"] for q in captured.captured_queries]


def same_count(
    make_rows: Callable[[int], None], request: Callable[[], Any], budget: int, ok: int = 200
) -> list[str]:
    """Serve `request` after `make_rows(1)` and again after `make_rows(3)` more rows: the same
    number of queries both times, at most `budget`. Returns the second run's SQL."""
    make_rows(1)
    response, few = counted(request)
    assert response.status_code == ok
    make_rows(3)
    response, many = counted(request)
    assert response.status_code == ok
    assert len(few) == len(many) <= budget, (len(few), len(many), many)
    return many


def roles_read_alone(queries: list[str]) -> bool:
    """Whether a query read the role grants by themselves (not with the user)."""
    return any(q.lstrip().startswith('SELECT "accounts_rolegrant"') for q in queries)


@pytest.fixture
def docs(people, incoming, run_tasks) -> Callable[[int], list[Document]]:  # noqa: F811
    """`docs(n)` registers n more incoming documents (indexed for search: `docs(n, True)`)."""
    made: list[Document] = []

    def more(n: int, indexed: bool = False) -> list[Document]:
        made.extend(incoming(subject=f"Quyết định về kế hoạch số {len(made)}") for _ in range(n))
        if indexed:
            run_tasks()
        return made

    return more


def give(people, document: Document, unit: Any = None) -> Assignment:  # noqa: F811
    (assignment,) = services.assign(
        actor=people.leader,
        document=document,
        assignees=[Assignee(role=AssignmentRole.LEAD, unit=unit or people.legal)],
        working_days=5,
    )
    return assignment


@pytest.mark.parametrize("who", ["clerk", "leader", "legal_head"])
def test_queue_page(clock, people, docs, web, who) -> None:  # noqa: F811
    def rows(n: int) -> None:
        for document in docs(n)[-n:]:
            give(people, document)

    client = web(getattr(people, who))
    queries = same_count(rows, lambda: client.get(reverse("workflows:queue")), 17)
    assert not roles_read_alone(queries)


def test_document_page(clock, people, docs, web) -> None:  # noqa: F811
    client = web(people.clerk)
    shown = docs(1)[0]

    def rows(n: int) -> None:  # the document's processing grows: a lead, then supporting units
        for _ in range(n):
            if not Assignment.objects.filter(document=shown).exists():
                give(people, shown)
                continue
            unit = account_services.create_unit(
                actor=None,
                agency=people.agency,
                name=f"Phòng phối hợp {uuid4().hex[:6]}",
                abbreviation=f"PH{uuid4().hex[:4]}",
            )
            services.assign(
                actor=people.leader,
                document=shown,
                assignees=[Assignee(role=AssignmentRole.SUPPORT, unit=unit)],
                working_days=5,
            )
        docs(n)

    queries = same_count(rows, lambda: client.get(reverse("documents:detail", args=[shown.pk])), 13)
    assert not roles_read_alone(queries)


@pytest.mark.parametrize("query", ["quyet dinh", "Quyết định"])
def test_search_page(people, docs, web, query) -> None:  # noqa: F811
    client = web(people.clerk)
    url = reverse("documents:search")
    # On PostgreSQL the search reads its words' statistics (one statement) before the probe.
    queries = same_count(lambda n: docs(n, True), lambda: client.get(url, {"q": query}), 8)
    assert not roles_read_alone(queries)


def test_register_incoming_post(people, docs, web) -> None:  # noqa: F811
    client = web(people.clerk)
    document_type = DocumentType.objects.get(name="Công văn")
    numbers = iter(range(100, 200))

    def post() -> Any:
        return client.post(
            reverse("documents:register-incoming"),
            {
                "document_type": document_type.pk,
                "issuer_name": "Sở Tài chính",
                "code_number": str(next(numbers)),
                "code_notation": "STC-NS",
                "issued_date": "2026-02-02",
                "subject": "Về việc báo cáo quyết toán",
                "urgency": "0",
                "confidentiality": "0",
                "accept_duplicate": "on",
            },
        )

    queries = same_count(docs, post, 24, ok=302)
    assert not roles_read_alone(queries)


def test_assign_post(clock, people, docs, web) -> None:  # noqa: F811
    client = web(people.leader)
    waiting: list[Document] = []

    def rows(n: int) -> None:
        waiting.extend(docs(n)[-n:])

    def post() -> Any:
        document = waiting.pop()
        return client.post(
            reverse("workflows:assign", args=[document.pk]),
            {
                "lead": f"unit:{people.legal.pk}",
                "instruction": "Đề nghị xử lý.",
                "working_days": "5",
            },
        )

    queries = same_count(rows, post, 40, ok=302)
    assert not roles_read_alone(queries)


def test_complete_post(clock, people, docs, web) -> None:  # noqa: F811
    client = web(people.specialist)
    open_work: list[Assignment] = []

    def rows(n: int) -> None:
        for document in docs(n)[-n:]:
            (assignment,) = services.assign(
                actor=people.leader,
                document=document,
                assignees=[Assignee(role=AssignmentRole.LEAD, user=people.specialist)],
                deadline=date(2026, 3, 2),
            )
            open_work.append(assignment)

    def post() -> Any:
        assignment = open_work.pop()
        return client.post(
            reverse("workflows:complete", args=[assignment.pk]), {"note": "Đã xử lý xong."}
        )

    queries = same_count(rows, post, 40, ok=302)
    assert not roles_read_alone(queries)


def test_api_lists_authenticate_in_one_query(clock, people, docs, api) -> None:  # noqa: F811
    client = api(people.clerk)
    queries = same_count(  # the caller; the words' statistics, the probe, the page
        lambda n: docs(n, True), lambda: client.get("/api/v1/documents/", {"q": "quyet"}), 4
    )
    assert queries[0].lstrip().startswith('SELECT "authtoken_token"')
    assert "accounts_rolegrant" in queries[0] and not roles_read_alone(queries)

    leader = api(people.legal_head)

    def rows(n: int) -> None:
        for document in docs(n)[-n:]:
            give(people, document)

    assert not roles_read_alone(same_count(rows, lambda: leader.get("/api/v1/assignments/"), 6))
