"""Keyset pages of the API: no COUNT over the table, no OFFSET, stable under inserts.

- `KeysetPagination` (the default): DRF's cursor pages over the view's `ordering` (a unique
  column, or ending in one).
- `KeysetPages`: for lists whose order is not one column (ranked search, deadlines with the
  undated last): a subclass names its ordering as a `page` method that reads one page after an
  opaque cursor; the URL parameters, the answer (`next`, `results`) and its schema are here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


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


class KeysetPages(BasePagination):
    """Keyset pages in an order the subclass's `page` knows. `next` is the whole URL of the
    following page, null on the last one."""

    page_size = 50
    max_page_size = 200

    def page(
        self, queryset: QuerySet[Any], request: Request, cursor: str, size: int
    ) -> tuple[list[Any], str]:
        """Up to `size` rows after `cursor` ("" for the first page), and the cursor of the page
        after them ("" when there is none)."""
        raise NotImplementedError

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet), "keyset pages need a queryset"
        self.request = request
        rows, self.next_cursor = self.page(
            queryset, request, request.query_params.get("cursor", ""), self._page_size(request)
        )
        return rows

    def _page_size(self, request: Request) -> int:
        try:
            wanted = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            return self.page_size
        return max(1, min(wanted, self.max_page_size))

    def get_paginated_response(self, data: Any) -> Response:
        next_url = None
        if self.next_cursor:
            next_url = replace_query_param(
                self.request.build_absolute_uri(), "cursor", self.next_cursor
            )
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The page after the one whose `next` link gave this value.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Results per page (at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
