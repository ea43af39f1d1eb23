"""Filters and keyset pages of the document list: the same search as the web pages
(`apply_search`, `page_after`), so both agree on what is found and in which order."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework.request import Request

from lienthong.core.api.filters import IdFilter
from lienthong.core.api.pagination import KeysetPages

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


class DocumentKeysetPagination(KeysetPages):
    """Keyset pages over (exact match, id) descending, as the web pages read them."""

    def page(
        self, queryset: QuerySet[Any], request: Request, cursor: str, size: int
    ) -> tuple[list[Any], str]:
        if "exact" not in queryset.query.annotations:
            queryset = apply_search(queryset, "")
        return page_after(queryset, cursor, size)
