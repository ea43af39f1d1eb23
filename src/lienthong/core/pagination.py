from typing import Any

from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination: no COUNT over the table, stable under inserts.

    A view chooses its key with an `ordering` attribute (a unique column, or ending in one)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)


# A tab or a dashboard card shows how much is waiting, not how much history there is: counts stop
# at COUNT_CAP + 1 and show as "999+", so their cost does not grow with the years of data.
COUNT_CAP = 999


def count_up_to(queryset: Any) -> int:
    """The number of rows, counting no further than COUNT_CAP + 1
    (`SELECT COUNT(*) FROM (… LIMIT COUNT_CAP + 1)`)."""
    return int(queryset.order_by().values("pk")[: COUNT_CAP + 1].count())


def shown_count(count: int) -> str:
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)
