"""Reads of work files and catalogues. `visible_to` is the only place their agency scoping and
confidentiality are decided; the documents inside a file are filtered by
`Document.objects.visible_to`, the documents' own chokepoint."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeGuard

from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from lienthong.documents.models import Document
from lienthong.documents.querysets import visible_condition
from lienthong.documents.search import match_sql

from .constants import CONFIDENTIAL_FILE_READERS, CaseFileStatus, Rights

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

    from .models import CaseFile, CaseFileItem, FileCatalog, RetentionRule  # noqa: F401


def _agency_member(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active and user.agency_id is not None)


class RetentionRuleQuerySet(models.QuerySet["RetentionRule"]):
    def in_force(self, on: date) -> RetentionRuleQuerySet:
        return self.filter(valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=on)
        )


class FileCatalogQuerySet(models.QuerySet["FileCatalog"]):
    def visible_to(self, user: User | AnonymousUser) -> FileCatalogQuerySet:
        if not _agency_member(user):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class CaseFileQuerySet(models.QuerySet["CaseFile"]):
    def visible_to(self, user: User | AnonymousUser) -> CaseFileQuerySet:
        """The agency's files; a file whose rights are “Mật” only for its creator, the one who
        opened it, the clerks and the agency's leaders."""
        if not _agency_member(user):
            return self.none()
        own = self.filter(agency_id=user.agency_id)
        if any(user.has_role(role) for role in CONFIDENTIAL_FILE_READERS):
            return own
        return own.filter(~Q(rights=Rights.CONFIDENTIAL) | Q(creator=user) | Q(opened_by=user))

    def open(self) -> CaseFileQuerySet:
        return self.filter(status=CaseFileStatus.OPEN)

    def closed(self) -> CaseFileQuerySet:
        return self.filter(status=CaseFileStatus.CLOSED)

    def of(self, user: Any) -> CaseFileQuerySet:
        """Files the user makes (is the creator of) or opened."""
        return self.filter(Q(creator=user) | Q(opened_by=user))

    def for_list(self) -> CaseFileQuerySet:
        return self.select_related("agency", "unit", "creator", "retention")


class CaseFileItemQuerySet(models.QuerySet["CaseFileItem"]):
    def current(self) -> CaseFileItemQuerySet:
        """Documents still in their file (not withdrawn)."""
        return self.filter(removed_at__isnull=True)

    def withdrawn(self) -> CaseFileItemQuerySet:
        return self.filter(removed_at__isnull=False)

    def visible_to(self, user: User | AnonymousUser) -> CaseFileItemQuerySet:
        if not (user.is_authenticated and user.is_active) or user.agency_id is None:
            return self.none()
        return self.filter(visible_condition(user, "document__"))

    def for_table(self) -> CaseFileItemQuerySet:
        return self.select_related("document", "document__document_type").order_by("ordinal")


def matching_documents(queryset: models.QuerySet[Document], query: str) -> Any:
    """Documents whose number, symbol or subject contains the query, or whose search index
    matches it (tone marks optional). The index is written in the background, so a document
    registered a moment ago is still found by its number or the subject's exact words."""
    query = query.strip()
    if not query:
        return queryset
    condition = (
        Q(code_number__iexact=query)
        | Q(code_notation__icontains=query)
        | Q(subject__icontains=query)
    )
    if "/" in query:  # “101/QĐ-UBND”: number and symbol as printed
        number, _slash, notation = query.partition("/")
        condition |= Q(code_number__iexact=number.strip(), code_notation__iexact=notation.strip())
    matched = match_sql(query)
    if matched is not None:
        sql, params = matched
        condition |= Q(id__in=RawSQL(sql, params))  # noqa: S611  (parameterised)
    return queryset.filter(condition)
