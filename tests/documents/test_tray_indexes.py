"""The clerk's trays read a small index of the waiting documents on PostgreSQL, not the agency's
archive: a change to their filters that stops PostgreSQL from using it fails here (at ten
million documents, a tray without it took 1.7 s to find that nothing waited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from lienthong.documents.queues import outgoing_to_issue, to_register

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the indexes' plans are PostgreSQL's"
)


def plan_of(queryset: Any) -> str:
    """PostgreSQL's plan for the queryset with sequential scans priced out: on a test-sized
    table a scan of the table is cheapest, but among the indexes the smallest that answers
    the filter wins, and an index that cannot answer it is never chosen."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        return queryset.explain()


def test_the_clerks_trays_read_the_index_of_waiting_documents(clerk, register_incoming) -> None:
    register_incoming(subject="Đã vào sổ")
    for tray in (to_register(clerk), outgoing_to_issue(clerk)):
        assert "doc_waiting_idx" in plan_of(tray[:21])
