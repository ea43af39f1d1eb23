"""Filters and keyset pages of the document list: the same search as the web pages
(`apply_search`, `page_after`), so both agree on what is found and in which order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from lienthong.core.ids import IdFilter

from ..constants import Direction, DocumentStatus, Urgency
from ..models import Document
from ..search import apply_search, page_after


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="_later_text",
        max_length=200,
        label="Full-text search in the subject, number, symbol, issuer and attachment text; "
        "tone marks optional (“quyet dinh” finds “Quyết định”), exact matches first.",
    )
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices)
    document_type = IdFilter(field_name="document_type_id")
    urgency = django_filters.TypedChoiceFilter(choices=Urgency.choices, coerce=int)
    register = IdFilter(field_name="register_id")
    date_from = django_filters.DateFilter(
        method="_later_date",
        label="From this date: the arrival date of incoming documents, the issue date of "
        "outgoing ones.",
    )
    date_to = django_filters.DateFilter(method="_later_date", label="Up to this date (inclusive).")

    class Meta:
        model = Document
        fields: list[str] = []

    # `q` and the period are applied together, after the other filters, in filter_queryset.
    def _later_text(
        self, queryset: QuerySet[Document], name: str, value: str
    ) -> QuerySet[Document]:
        return queryset

    def _later_date(
        self, queryset: QuerySet[Document], name: str, value: date
    ) -> QuerySet[Document]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Document]) -> QuerySet[Document]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            queryset = queryset.in_period(  # type: ignore[attr-defined]
                start or date(1900, 1, 1), end or date(9999, 12, 31)
            )
        return apply_search(queryset, data.get("q") or "")


class DocumentKeysetPagination(BasePagination):
    """Keyset pages over (exact match, id) descending: no COUNT, no OFFSET. `next` is the
    whole URL of the following page, null on the last one."""

    page_size = 50
    max_page_size = 200

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet), "keyset pages need a queryset"
        if "exact" not in queryset.query.annotations:
            queryset = apply_search(queryset, "")
        self.request = request
        rows, self.next_cursor = page_after(
            queryset, request.query_params.get("cursor", ""), self._page_size(request)
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
