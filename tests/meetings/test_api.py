"""The meetings API: booking (a clash is a 400 naming it), reading, replying for an agency."""

from __future__ import annotations

from rest_framework.test import APIClient

from lienthong.meetings.constants import Reply
from lienthong.meetings.models import Meeting

from .conftest import at


def test_book_read_and_reply_through_the_api(org, book) -> None:
    api = APIClient()
    api.force_authenticate(org.officer)
    book()
    body = {
        "title": "Họp trùng phòng",
        "starts_at": at(14, 9).isoformat(),
        "ends_at": at(14, 11).isoformat(),
        "chair": org.vice_chairman.pk,
        "room": org.room.pk,
    }
    refused = api.post("/api/v1/meetings/", body, format="json")
    assert refused.status_code == 400 and "Phòng họp số 1" in str(refused.json())
    assert Meeting.objects.count() == 1
    body |= {"starts_at": at(14, 10).isoformat(), "agencies": [org.district.pk]}
    created = api.post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201 and created.json()["title"] == "Họp trùng phòng"
    meeting_id = created.json()["id"]

    clerk = APIClient()
    clerk.force_authenticate(org.district_clerk)
    assert {m["id"] for m in clerk.get("/api/v1/meetings/").json()["results"]} == {
        m.pk for m in Meeting.objects.all()
    }
    invited = Meeting.objects.get(pk=meeting_id).participants.get(agency=org.district)
    answer = {"participant": invited.pk, "answer": "deputy"}
    assert (
        clerk.post(f"/api/v1/meetings/{meeting_id}/reply/", answer, format="json").status_code
        == 400
    )
    answer["deputy_name"] = "Bà Lý Thị Thu, Phó Chủ tịch"
    replied = clerk.post(f"/api/v1/meetings/{meeting_id}/reply/", answer, format="json")
    assert replied.status_code == 200 and replied.json()["reply"] == Reply.DEPUTY
    invited.refresh_from_db()
    assert invited.deputy_name == "Bà Lý Thị Thu, Phó Chủ tịch"

    outsider = APIClient()
    outsider.force_authenticate(org.district_specialist)
    assert outsider.get(f"/api/v1/meetings/{meeting_id}/").status_code == 404
    assert (
        outsider.post(
            "/api/v1/rooms/", {"name": "X", "kind": "physical"}, format="json"
        ).status_code
        == 403
    )
