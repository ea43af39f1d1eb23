"""Document statistics for leaders, computed in SQL: documents incoming and outgoing by month
and by type over a year, each figure with the link to the list of documents behind it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth
from django.urls import reverse

from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document

COUNTED = (DocumentStatus.REGISTERED, DocumentStatus.ISSUED)


@dataclass(frozen=True)
class Bar:
    label: str
    incoming: int
    outgoing: int
    incoming_url: str
    outgoing_url: str


def _list_url(direction: str, start: date, end: date, **extra: Any) -> str:
    name = "documents:incoming" if direction == Direction.INCOMING else "documents:outgoing"
    query = {"date_from": start.isoformat(), "date_to": end.isoformat(), **extra}
    return f"{reverse(name)}?{urlencode(query)}"


def _incoming(documents: QuerySet[Document], year: int) -> QuerySet[Document]:
    return documents.filter(
        direction=Direction.INCOMING, status__in=COUNTED, arrival_date__year=year
    )


def _outgoing(documents: QuerySet[Document], year: int) -> QuerySet[Document]:
    return documents.filter(
        direction=Direction.OUTGOING, status__in=COUNTED, issued_date__year=year
    )


def incoming_by_month(documents: QuerySet[Document], year: int) -> QuerySet[Document, Any]:
    """(month, count) of the documents received in the year: one grouped query."""
    return (
        _incoming(documents, year)
        .annotate(month=ExtractMonth("arrival_date"))
        .values_list("month")
        .annotate(n=Count("*"))
        .values_list("month", "n")
    )


def by_month(documents: QuerySet[Document], year: int) -> list[Bar]:
    """Twelve bars: documents received (by arrival date) and issued (by document date)."""
    incoming = dict(incoming_by_month(documents, year))
    outgoing = dict(
        _outgoing(documents, year)
        .annotate(month=ExtractMonth("issued_date"))
        .values_list("month")
        .annotate(n=Count("*"))
        .values_list("month", "n")
    )
    bars = []
    for month in range(1, 13):
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
        bars.append(
            Bar(
                label=f"{month:02d}/{year}",
                incoming=incoming.get(month, 0),
                outgoing=outgoing.get(month, 0),
                incoming_url=_list_url(Direction.INCOMING, start, end),
                outgoing_url=_list_url(Direction.OUTGOING, start, end),
            )
        )
    return bars


def by_type(documents: QuerySet[Document], year: int) -> list[Bar]:
    """Documents of the year by type (the types that occur), with the filtered list's link."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    incoming = {
        row["document_type"]: row
        for row in _incoming(documents, year)
        .values("document_type", "document_type__name")
        .annotate(n=Count("*"))
    }
    outgoing = {
        row["document_type"]: row
        for row in _outgoing(documents, year)
        .values("document_type", "document_type__name")
        .annotate(n=Count("*"))
    }
    bars = []
    for type_id in sorted(set(incoming) | set(outgoing), key=lambda t: t or 0):
        row = incoming.get(type_id) or outgoing[type_id]
        extra = {"document_type": type_id} if type_id else {}
        bars.append(
            Bar(
                label=row["document_type__name"] or "—",
                incoming=incoming[type_id]["n"] if type_id in incoming else 0,
                outgoing=outgoing[type_id]["n"] if type_id in outgoing else 0,
                incoming_url=_list_url(Direction.INCOMING, start, end, **extra),
                outgoing_url=_list_url(Direction.OUTGOING, start, end, **extra),
            )
        )
    return sorted(bars, key=lambda b: -(b.incoming + b.outgoing))


def chart_data(bars: list[Bar], incoming_label: str, outgoing_label: str) -> dict[str, Any]:
    """What the page's script draws (read from a json_script element, no inline script)."""
    return {
        "labels": [b.label for b in bars],
        "datasets": [
            {
                "label": incoming_label,
                "data": [b.incoming for b in bars],
                "urls": [b.incoming_url for b in bars],
            },
            {
                "label": outgoing_label,
                "data": [b.outgoing for b in bars],
                "urls": [b.outgoing_url for b in bars],
            },
        ],
    }


def cumulative(bars: list[Bar], year: int, today: date) -> list[Bar]:
    """The months' bars added up from January (lũy kế từ đầu năm): each point is the documents of
    the year up to the end of its month, its link the list from 1 January to that day. The line
    stops at this month (a month still to come has no figure yet). From the same grouped rows,
    no further query."""
    points, incoming, outgoing = [], 0, 0
    first = date(year, 1, 1)
    for month, bar in enumerate(bars, start=1):
        if date(year, month, 1) > today:
            break
        incoming += bar.incoming
        outgoing += bar.outgoing
        end = date(year, month, calendar.monthrange(year, month)[1])
        points.append(
            Bar(
                label=bar.label,
                incoming=incoming,
                outgoing=outgoing,
                incoming_url=_list_url(Direction.INCOMING, first, end),
                outgoing_url=_list_url(Direction.OUTGOING, first, end),
            )
        )
    return points
