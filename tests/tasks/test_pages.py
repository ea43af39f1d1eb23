"""The task pages: giving from a document (the `?document=` link meetings use too), the detail
with its forms, the board with its counters and red overdue rows, the statistics; refusals
answer 404/403 and change nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse

from lienthong.tasks import services
from lienthong.tasks.constants import SourceKind
from lienthong.tasks.models import Task
from tests.documents.conftest import register_incoming  # noqa: F401  (fixture)

from .conftest import VN, Cast

pytestmark = pytest.mark.django_db


def test_a_leader_gives_a_task_from_a_document(
    cast: Cast,
    web: Any,
    register_incoming: Any,  # noqa: F811
) -> None:
    document = register_incoming(
        subject="Kế hoạch ứng dụng CNTT năm 2012", issued_date=date(2026, 3, 2)
    )
    leader = web(cast.chairman)
    url = reverse("tasks:create") + f"?document={document.pk}"
    page = leader.get(url)
    assert page.status_code == 200
    assert "Kế hoạch ứng dụng CNTT năm 2012" in page.content.decode()  # title prefilled
    # Neither a specialist nor an outsider may give tasks from it (404 and nothing stored).
    assert web(cast.specialist).get(reverse("tasks:create")).status_code == 404
    assert web(cast.outsider).get(url).status_code == 404
    answer = leader.post(
        url,
        {
            "title": "Triển khai phần mềm quản lý văn bản",
            "owner": f"agency:{cast.department.pk}",
            "supporting": [],
            "working_days": "10",
            "document": str(document.pk),
        },
    )
    task = Task.objects.get()
    assert answer.status_code == 302 and answer["Location"] == task.get_absolute_url()
    assert (task.source_document, task.source_kind) == (document, SourceKind.DOCUMENT)
    assert task.owner_agency == cast.department and task.working_days == 10
    # A bad input keeps the form with the error and stores nothing.
    bad = leader.post(url, {"title": "X", "owner": f"agency:{cast.department.pk}"})
    assert bad.status_code == 400 and Task.objects.count() == 1


def test_detail_offers_each_side_its_actions_and_hides_from_outsiders(cast: Cast, web: Any) -> None:
    task = services.give_task(
        actor=cast.chairman,
        title="Xây dựng cổng thông tin",
        owner_agency=cast.department,
        owner_unit=cast.it_unit,
        working_days=5,
    )
    url = task.get_absolute_url()
    owner_page = web(cast.unit_head).get(url).content.decode()
    assert (
        'data-testid="progress-form"' in owner_page
        and 'data-testid="decide-form"' not in owner_page
    )
    assert web(cast.outsider).get(url).status_code == 404
    # The other unit sees it but may not report on it (403, nothing stored).
    refused = web(cast.other_specialist).post(
        reverse("tasks:progress", args=[task.pk]), {"progress": 30, "note": "x"}
    )
    assert refused.status_code == 403 and task.entries.count() == 1
    done = web(cast.unit_head).post(
        reverse("tasks:progress", args=[task.pk]), {"progress": 30, "note": "Đã khảo sát."}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.progress == 30


def test_board_shows_overdue_in_red_and_statistics_count_it_late(
    cast: Cast, web: Any, time_machine: Any
) -> None:
    late = services.give_task(
        actor=cast.chairman, title="Quá hạn", owner_agency=cast.department, working_days=1
    )
    services.give_task(
        actor=cast.chairman, title="Còn hạn", owner_agency=cast.department, working_days=30
    )
    time_machine.move_to(datetime(2026, 3, 12, 9, 0, tzinfo=VN), tick=True)
    board = web(cast.chairman).get(reverse("tasks:board")).content.decode()
    assert 'class="task-overdue" data-testid="task-row" data-status="overdue"' in board
    assert 'data-testid="count-overdue">1<' in board and 'data-testid="count-in_time">1<' in board
    filtered = web(cast.chairman).get(reverse("tasks:board") + "?status=overdue").content.decode()
    assert "Quá hạn" in filtered and "Còn hạn" not in filtered
    services.complete_task(actor=cast.director, task=late, report="Xong muộn.")
    stats = web(cast.chairman).get(reverse("tasks:statistics") + "?year=2026").content.decode()
    assert 'data-testid="done_late">1<' in stats
    assert "Tổng cộng" in stats and "Tổng điểm" not in stats  # a sum of counts, not of points
    # The department's board shows what it is in charge of.
    ours = web(cast.director).get(reverse("tasks:board")).content.decode()
    assert "Còn hạn" in ours
    assert "Còn hạn" not in web(cast.outsider).get(reverse("tasks:board")).content.decode()
    assert date.today()  # the clock moved, the page still answered
