"""Serializers of the documents API: output shapes, and input that is only parsed here —
the rules (symbols, dates, duplicates, numbering) are the services'."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse as django_reverse
from rest_framework import serializers
from rest_framework.reverse import reverse

from lienthong.accounts.models import Agency, Unit
from lienthong.core.api.fields import EnumField, UploadField

from ..constants import (
    Confidentiality,
    Direction,
    DocumentStatus,
    NumberStatus,
    ProcessingStatus,
    RegisterKind,
    Urgency,
)
from ..models import (
    Attachment,
    AttachmentVersion,
    Document,
    DocumentType,
    NumberAllocation,
    Register,
)


def _agency_id(field: serializers.Field[Any, Any, Any, Any]) -> int:
    """The caller's agency (0, matching nothing, when there is none)."""
    request = field.context.get("request")
    return getattr(getattr(request, "user", None), "agency_id", None) or 0


# --- Reference data and registers --------------------------------------------------------------


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    class Meta:
        model = DocumentType
        fields = ["id", "name", "abbreviation", "ordinal", "is_copy_kind", "is_active"]


class RegisterSerializer(serializers.ModelSerializer[Register]):
    kind = EnumField(RegisterKind, read_only=True)

    class Meta:
        model = Register
        fields = [
            "id",
            "agency",
            "year",
            "kind",
            "document_type",
            "name",
            "last_number",
            "is_closed",
        ]
        read_only_fields = fields


class NumberAllocationSerializer(serializers.ModelSerializer[NumberAllocation]):
    status = EnumField(NumberStatus, read_only=True)

    class Meta:
        model = NumberAllocation
        fields = [
            "id",
            "register",
            "number",
            "status",
            "document",
            "allocated_by",
            "allocated_at",
            "released_at",
            "note",
        ]
        read_only_fields = fields


# --- Attachments ---------------------------------------------------------------------------------


class AttachmentVersionSerializer(serializers.ModelSerializer[AttachmentVersion]):
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    content_type = serializers.CharField(source="blob.content_type", read_only=True)
    text_status = EnumField(ProcessingStatus, read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AttachmentVersion
        fields = [
            "id",
            "attachment",
            "version",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "text_status",
            "ocr_used",
            "text_error",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: AttachmentVersion) -> str:
        request = self.context.get("request")
        if request is None:
            return django_reverse("v1:attachment-version-file", kwargs={"pk": obj.pk})
        return reverse("attachment-version-file", kwargs={"pk": obj.pk}, request=request)


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    versions = AttachmentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "title", "created_at", "versions"]
        read_only_fields = fields


# --- Documents -----------------------------------------------------------------------------------

_SUMMARY_FIELDS = [
    "id",
    "direction",
    "status",
    "document_type",
    "document_type_name",
    "code_number",
    "code_notation",
    "number_and_symbol",
    "register",
    "register_number",
    "arrival_number",
    "arrival_date",
    "issued_date",
    "issuer_name",
    "subject",
    "urgency",
    "confidentiality",
    "due_date",
    "created_at",
]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    """A document as listed: its register entry without attachments."""

    direction = EnumField(Direction, read_only=True)
    status = EnumField(DocumentStatus, read_only=True)
    urgency = EnumField(Urgency, read_only=True)
    confidentiality = EnumField(Confidentiality, read_only=True)
    document_type_name = serializers.CharField(source="document_type.name", read_only=True)
    number_and_symbol = serializers.CharField(read_only=True)

    class Meta:
        model = Document
        fields = _SUMMARY_FIELDS
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            *_SUMMARY_FIELDS,
            "issuer_code",
            "issuer_agency",
            "signer_name",
            "signer_position",
            "page_count",
            "description",
            "to_places",
            "recipient_agencies",
            "external_recipients",
            "copies",
            "drafting_unit",
            "created_by",
            "updated_at",
            "attachments",
        ]
        read_only_fields = fields


class DuplicatesSerializer(serializers.Serializer[Any]):
    """409: documents already registered with the same number, symbol and issuing agency."""

    detail = serializers.CharField()
    duplicates = DocumentSerializer(many=True)


# --- Input ---------------------------------------------------------------------------------------


class OwnUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """An active unit of the caller's agency (others read as “does not exist”)."""

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.filter(agency_id=_agency_id(self), is_active=True)


class OwnReservationField(serializers.PrimaryKeyRelatedField[NumberAllocation]):
    """A number allocation in one of the caller's agency's registers."""

    def get_queryset(self) -> QuerySet[NumberAllocation]:
        return NumberAllocation.objects.filter(register__agency_id=_agency_id(self))


class RegisterAllocationField(serializers.PrimaryKeyRelatedField[NumberAllocation]):
    """A number allocation of the register in the URL."""

    def get_queryset(self) -> QuerySet[NumberAllocation]:
        return NumberAllocation.objects.filter(register=self.context["register"])


class DocumentAttachmentField(serializers.PrimaryKeyRelatedField[Attachment]):
    """An attachment of the document in the URL."""

    def get_queryset(self) -> QuerySet[Attachment]:
        return Attachment.objects.filter(document=self.context["document"])


class _CommonInput(serializers.Serializer[Any]):
    subject = serializers.CharField(max_length=500, allow_blank=True)
    signer_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    signer_position = serializers.CharField(max_length=100, required=False, allow_blank=True)
    urgency = EnumField(Urgency, required=False, default=Urgency.NORMAL)
    confidentiality = EnumField(Confidentiality, required=False, default=Confidentiality.NONE)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=9999
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)


class IncomingInputSerializer(_CommonInput):
    """Đăng ký văn bản đến. The arrival number (số đến) is given by the register."""

    document_type = serializers.PrimaryKeyRelatedField(
        queryset=DocumentType.objects.filter(is_active=True)
    )
    issuer_name = serializers.CharField(max_length=200, allow_blank=True)
    issuer_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    code_number = serializers.CharField(max_length=11, required=False, allow_blank=True)
    code_notation = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="E.g. QĐ-UBND or UBND-VX."
    )
    issued_date = serializers.DateField()
    arrival_date = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty: now."
    )
    to_places = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    accept_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Register it even though the same number, symbol and issuing agency is "
        "already registered (the answer without it is 409 listing the duplicates).",
    )


class OutgoingInputSerializer(_CommonInput):
    """A văn bản đi before it is issued; it gets its number and symbol at issue."""

    document_type = serializers.PrimaryKeyRelatedField(
        queryset=DocumentType.objects.filter(is_active=True, is_copy_kind=False)
    )
    drafting_unit = OwnUnitField(queryset=Unit.objects.all(), required=False, allow_null=True)
    copies = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=999)
    recipient_agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.active(), many=True, required=False
    )
    external_recipients = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class IssueInputSerializer(serializers.Serializer[Any]):
    reservation = OwnReservationField(
        queryset=NumberAllocation.objects.all(),
        required=False,
        allow_null=True,
        help_text="A number reserved in advance (lấy số trước); empty: the next number.",
    )
    issued_date = serializers.DateField(required=False, allow_null=True, help_text="Empty: today.")


class AttachmentInputSerializer(serializers.Serializer[Any]):
    file = UploadField(allow_empty_file=True)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    replaces = DocumentAttachmentField(
        queryset=Attachment.objects.all(),
        required=False,
        allow_null=True,
        help_text="An attachment of this document: the file becomes its new version.",
    )


class ReserveInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, help_text="For which document.")


class ReleaseInputSerializer(serializers.Serializer[Any]):
    allocation = RegisterAllocationField(queryset=NumberAllocation.objects.all())
    reason = serializers.CharField(max_length=300, help_text="Why the number is not used.")
