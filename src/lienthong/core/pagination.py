"""Counts of lists that stay cheap however much history there is (the API's keyset pages are
in `lienthong.core.api.pagination`)."""

from typing import Any

# A tab or a dashboard card shows how much is waiting, not how much history there is: counts stop
# at COUNT_CAP + 1 and show as "999+", so their cost does not grow with the years of data.
COUNT_CAP = 999


def count_up_to(queryset: Any) -> int:
    """The number of rows, counting no further than COUNT_CAP + 1
    (`SELECT COUNT(*) FROM (… LIMIT COUNT_CAP + 1)`)."""
    return int(queryset.order_by().values("pk")[: COUNT_CAP + 1].count())


def shown_count(count: int) -> str:
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)
