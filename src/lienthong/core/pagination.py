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
