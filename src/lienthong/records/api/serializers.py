"""Serializers of the work-files API: output shapes, and input that is only parsed here — the
rules (numbers, states, who may do what) are the services'."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienthong.accounts.models import Unit, User
from lienthong.core.api.fields import EnumField
from lienthong.documents.models import Document

from ..constants import DEFAULT_LANGUAGE, CaseFileStatus, CatalogNumbering, Rights
from ..models import CaseFile, CaseFileItem, CatalogEntry, FileCatalog, RetentionPeriod


def _user(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


def _agency_id(field: serializers.Field[Any, Any, Any, Any]) -> int:
    """The caller's agency (0, matching nothing, when there is none)."""
    return getattr(_user(field), "agency_id", None) or 0


# --- Output --------------------------------------------------------------------------------------


class RetentionPeriodSerializer(serializers.ModelSerializer[RetentionPeriod]):
    class Meta:
        model = RetentionPeriod
        fields = ["id", "name", "years", "applies_to", "is_active"]
        read_only_fields = fields


class CatalogEntrySerializer(serializers.ModelSerializer[CatalogEntry]):
    retention_name = serializers.CharField(source="retention.name", read_only=True)
    case_file = serializers.SerializerMethodField(help_text="The file opened for this entry.")

    class Meta:
        model = CatalogEntry
        fields = [
            "id",
            "unit",
            "heading",
            "ordinal",
            "notation",
            "title",
            "retention",
            "retention_name",
            "creator",
            "note",
            "case_file",
        ]
        read_only_fields = fields

    def get_case_file(self, obj: CatalogEntry) -> int | None:
        files = list(obj.case_files.all())
        return files[0].pk if files else None


class FileCatalogSerializer(serializers.ModelSerializer[FileCatalog]):
    numbering = EnumField(CatalogNumbering, read_only=True)

    class Meta:
        model = FileCatalog
        fields = ["id", "agency", "year", "numbering", "created_by", "created_at"]
        read_only_fields = fields


class FileCatalogDetailSerializer(FileCatalogSerializer):
    entries = CatalogEntrySerializer(many=True, read_only=True)

    class Meta(FileCatalogSerializer.Meta):
        fields = [*FileCatalogSerializer.Meta.fields, "entries"]
        read_only_fields = fields


_FILE_FIELDS = [
    "id",
    "file_code",
    "organ_id",
    "year",
    "notation",
    "catalog_entry",
    "title",
    "unit",
    "creator",
    "retention",
    "maintenance",
    "rights",
    "language",
    "description",
    "status",
    "start_date",
    "end_date",
    "doc_total",
    "page_total",
    "opened_by",
    "created_at",
    "closed_at",
    "closed_by",
]


class CaseFileSerializer(serializers.ModelSerializer[CaseFile]):
    """A work file with its metadata (Phụ lục VI part III)."""

    file_code = serializers.CharField(
        read_only=True, help_text="FileCode: OrganId.FileCatalog.FileNotation."
    )
    organ_id = serializers.CharField(source="agency.code", read_only=True)
    maintenance = serializers.CharField(source="retention.name", read_only=True)
    rights = EnumField(Rights, read_only=True)
    status = EnumField(CaseFileStatus, read_only=True)

    class Meta:
        model = CaseFile
        fields = _FILE_FIELDS
        read_only_fields = fields


class CaseFileItemSerializer(serializers.ModelSerializer[CaseFileItem]):
    """A document in the file, under its number (DocOrdinal)."""

    type_name = serializers.CharField(source="document.document_type.name", read_only=True)
    number_and_symbol = serializers.CharField(source="document.number_and_symbol", read_only=True)
    issued_date = serializers.DateField(source="document.issued_date", read_only=True)
    issuer_name = serializers.CharField(source="document.issuer_name", read_only=True)
    subject = serializers.CharField(source="document.subject", read_only=True)
    page_count = serializers.IntegerField(source="document.page_count", read_only=True)
    withdrawn = serializers.BooleanField(source="is_removed", read_only=True)

    class Meta:
        model = CaseFileItem
        fields = [
            "ordinal",
            "document",
            "type_name",
            "number_and_symbol",
            "issued_date",
            "issuer_name",
            "subject",
            "page_count",
            "added_by",
            "added_at",
            "withdrawn",
            "removed_at",
            "removed_by",
            "removal_reason",
        ]
        read_only_fields = fields


class CaseFileDetailSerializer(CaseFileSerializer):
    items = serializers.SerializerMethodField(
        help_text="The documents in the file the caller may see, withdrawn ones included."
    )
    hidden_documents = serializers.SerializerMethodField(
        help_text="How many documents in the file the caller may not see (confidential)."
    )

    class Meta(CaseFileSerializer.Meta):
        fields = [*_FILE_FIELDS, "items", "hidden_documents"]
        read_only_fields = fields

    def _items(self, obj: CaseFile) -> tuple[list[CaseFileItem], int]:
        cached: tuple[list[CaseFileItem], int] | None = getattr(obj, "_api_items", None)
        if cached is None:
            every = CaseFileItem.objects.filter(case_file=obj)
            visible = list(every.visible_to(_user(self)).for_table())
            cached = (visible, every.current().count() - sum(not i.is_removed for i in visible))
            obj._api_items = cached  # type: ignore[attr-defined]
        return cached

    @extend_schema_field(CaseFileItemSerializer(many=True))
    def get_items(self, obj: CaseFile) -> Any:
        return CaseFileItemSerializer(self._items(obj)[0], many=True).data

    def get_hidden_documents(self, obj: CaseFile) -> int:
        return self._items(obj)[1]


# --- Input ---------------------------------------------------------------------------------------


class OwnUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """An active unit of the caller's agency (others read as “does not exist”)."""

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.filter(agency_id=_agency_id(self), is_active=True)


class OwnOfficialField(serializers.PrimaryKeyRelatedField[User]):
    """An active official of the caller's agency."""

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.filter(agency_id=_agency_id(self), is_active=True)


class OwnEntryField(serializers.PrimaryKeyRelatedField[CatalogEntry]):
    """An entry of the caller's agency's catalogues."""

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return CatalogEntry.objects.filter(catalog__agency_id=_agency_id(self))


class VisibleDocumentField(serializers.PrimaryKeyRelatedField[Document]):
    """A document the caller may see (others, confidential ones included, read as “does not
    exist”)."""

    def get_queryset(self) -> QuerySet[Document]:
        return Document.objects.visible_to(_user(self))


_retentions = RetentionPeriod.objects.filter(is_active=True)


class CatalogInputSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=1945, max_value=2100)
    numbering = EnumField(CatalogNumbering, required=False, default=CatalogNumbering.PER_HEADING)


class CatalogEntryInputSerializer(serializers.Serializer[Any]):
    unit = OwnUnitField(queryset=Unit.objects.all(), help_text="The large heading.")
    title = serializers.CharField(max_length=500)
    retention = serializers.PrimaryKeyRelatedField(queryset=_retentions)
    creator = OwnOfficialField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text="Người lập hồ sơ."
    )
    heading = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OpenFileInputSerializer(serializers.Serializer[Any]):
    """Either `catalog_entry` (the rest is taken from it unless given) or `title`, `notation`
    and `retention` for a file not in the catalogue."""

    catalog_entry = OwnEntryField(
        queryset=CatalogEntry.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    notation = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="E.g. 05.VP (FileNotation)."
    )
    year = serializers.IntegerField(
        min_value=1945, max_value=2100, required=False, allow_null=True, help_text="Empty: now."
    )
    retention = serializers.PrimaryKeyRelatedField(
        queryset=_retentions, required=False, allow_null=True
    )
    unit = OwnUnitField(queryset=Unit.objects.all(), required=False, allow_null=True)
    creator = OwnOfficialField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="Người lập hồ sơ; empty: the caller. Only the clerk names someone else.",
    )
    rights = EnumField(Rights, required=False, default=Rights.PUBLIC)
    language = serializers.CharField(max_length=50, required=False, default=DEFAULT_LANGUAGE)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)


class AddDocumentInputSerializer(serializers.Serializer[Any]):
    document = VisibleDocumentField(queryset=Document.objects.all())


class WithdrawInputSerializer(serializers.Serializer[Any]):
    ordinal = serializers.IntegerField(min_value=1, help_text="The document's number in the file.")
    reason = serializers.CharField(max_length=300)


class CloseInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=500, required=False, help_text="A corrected title.")
    retention = serializers.PrimaryKeyRelatedField(queryset=_retentions, required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReopenInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)
