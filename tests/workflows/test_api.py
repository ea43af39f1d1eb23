"""The processing API with token authentication: each endpoint's status and database state,
with and without permission."""

from datetime import date

from rest_framework.test import APIClient

from lienthong.documents import services as document_services
from lienthong.workflows.constants import AssignmentState
from lienthong.workflows.models import Assignment, ProcessingEntry
from tests.documents.conftest import doc_type


def test_anonymous_gets_401(db) -> None:
    client = APIClient()
    assert client.get("/api/v1/assignments/").status_code == 401
    assert client.post("/api/v1/assignments/", {}, format="json").status_code == 401


def test_the_chain_through_the_api(clock, people, incoming, api, sent) -> None:
    p = people
    doc = incoming()

    response = api(p.clerk).post(
        "/api/v1/assignments/present/",
        {"document": doc.pk, "leader": p.leader.pk, "note": "Kính trình"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "presented"

    response = api(p.leader).post(
        "/api/v1/assignments/",
        {
            "document": doc.pk,
            "instruction": "Phòng XDKTVB chủ trì",
            "working_days": 10,
            "assignees": [
                {"role": "lead", "unit": p.legal.pk},
                {"role": "support", "unit": p.admin_unit.pk, "deadline": "2026-02-27"},
                {"role": "information", "user": p.deputy.pk},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    rows = {row["role"]: row for row in response.json()}
    assert rows["lead"]["deadline"] == "2026-03-05" and rows["lead"]["deadline_working_days"] == 10
    assert rows["support"]["deadline"] == "2026-02-27"
    assert rows["information"]["deadline"] is None
    lead_id = rows["lead"]["id"]

    head = api(p.legal_head)
    listed = head.get("/api/v1/assignments/", {"queue": "todo"}).json()["results"]
    assert [row["id"] for row in listed] == [lead_id]
    response = head.post(
        f"/api/v1/assignments/{lead_id}/reassign/",
        {"assignees": [{"role": "lead", "user": p.specialist.pk}], "instruction": "Đ/c Một"},
        format="json",
    )
    assert response.status_code == 201, response.content
    (mine,) = response.json()
    assert mine["parent"] == lead_id and mine["deadline"] == "2026-03-05"

    specialist = api(p.specialist)
    response = specialist.post(
        f"/api/v1/assignments/{mine['id']}/progress/",
        {"note": "Đề xuất trả lời", "proposal": True},
        format="json",
    )
    assert response.status_code == 201 and response.json()["kind"] == "proposal"
    reply = document_services.record_outgoing(
        actor=p.clerk,
        document_type=doc_type("Công văn"),
        subject="V/v trả lời",
        drafting_unit=p.legal,
        recipient_agencies=[p.other_agency],
    )
    response = specialist.post(
        f"/api/v1/assignments/{mine['id']}/complete/",
        {"note": "Xong", "reply_document": reply.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "completed" and body["reply_document"] == reply.pk
    assert [e["kind"] for e in body["entries"]] == ["reassigned", "proposal", "completed"]
    assert Assignment.objects.get(pk=lead_id).state == AssignmentState.COMPLETED
    assert [s for _, s in sent.statuses] == ["04", "05", "06"]

    done = specialist.get("/api/v1/assignments/", {"queue": "done"}).json()["results"]
    assert [row["id"] for row in done] == [mine["id"]]
    history = specialist.get("/api/v1/processing-history/", {"document": doc.pk}).json()
    assert history[0]["kind"] == "presented" and history[-1]["kind"] == "completed"

    support_id = rows["support"]["id"]
    response = api(p.admin_head).post(
        f"/api/v1/assignments/{support_id}/return/",
        {"reason": "Không liên quan", "to": "clerk"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "returned"


def test_refusals_and_bad_input_store_nothing(clock, people, incoming, api, db_snapshot) -> None:
    p = people
    doc = incoming()
    specialist, leader = api(p.specialist), api(p.leader)
    before = db_snapshot()
    body = {"document": doc.pk, "assignees": [{"role": "lead", "unit": p.legal.pk}]}
    response = specialist.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 403 and "detail" in response.json()
    bad = [
        {"document": doc.pk, "assignees": []},
        {"document": doc.pk, "assignees": [{"role": "lead"}]},
        {"document": doc.pk, "assignees": [{"role": "support", "unit": p.legal.pk}]},
        {**body, "deadline": "2026-02-01"},
        {**body, "deadline": "2026-03-01", "working_days": 3},
        {
            "document": doc.pk,
            "assignees": [{"role": "lead", "unit": p.legal.pk, "user": p.deputy.pk}],
        },
        {"document": doc.pk, "assignees": [{"role": "lead", "user": p.outsider.pk}]},
    ]
    for payload in bad:
        response = leader.post("/api/v1/assignments/", payload, format="json")
        assert response.status_code == 400, (payload, response.content)
    assert db_snapshot() == before

    (lead,) = leader.post("/api/v1/assignments/", body, format="json").json()
    head = api(p.legal_head)
    before = db_snapshot()
    assert (
        specialist.post(
            f"/api/v1/assignments/{lead['id']}/progress/", {"note": "x"}, format="json"
        ).status_code
        == 403
    )
    head = api(p.legal_head)
    assert (
        head.post(
            f"/api/v1/assignments/{lead['id']}/return/", {"reason": ""}, format="json"
        ).status_code
        == 400
    )
    assert (
        head.post(
            f"/api/v1/assignments/{lead['id']}/reassign/",
            {"assignees": [{"role": "lead", "user": p.other_specialist.pk}]},
            format="json",
        ).status_code
        == 400
    )
    assert db_snapshot() == before
    assert not ProcessingEntry.objects.filter(kind="progress").exists()


def test_list_filters(clock, people, incoming, api) -> None:
    p = people
    leader = api(p.leader)
    first, second = incoming(), incoming()
    for doc in (first, second):
        leader.post(
            "/api/v1/assignments/",
            {
                "document": doc.pk,
                "working_days": 2,
                "assignees": [
                    {"role": "lead", "unit": p.legal.pk},
                    {"role": "information", "user": p.deputy.pk},
                ],
            },
            format="json",
        )
    given = leader.get("/api/v1/assignments/", {"scope": "given"}).json()["results"]
    assert len(given) == 4
    only = leader.get(
        "/api/v1/assignments/", {"scope": "given", "document": first.pk, "role": "lead"}
    ).json()["results"]
    assert [(row["document"], row["role"]) for row in only] == [(first.pk, "lead")]
    clock.set(date(2026, 2, 24))
    head = api(p.legal_head)
    assert len(head.get("/api/v1/assignments/", {"queue": "overdue"}).json()["results"]) == 2
    assert head.get("/api/v1/assignments/", {"queue": "due_soon"}).json()["results"] == []
    assert head.get("/api/v1/assignments/", {"queue": "nonsense"}).status_code == 400
