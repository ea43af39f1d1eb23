"""Serializers of the drafting API: output shapes, and input that is only parsed here — the
rules (who may act, signing authority, states) are the services'."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse as django_reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.api.fields import EnumField, EnumFieldExtension, UploadField
from lienthong.documents.constants import Confidentiality, Urgency
from lienthong.documents.models import DocumentType, NumberAllocation

from ..constants import (
    Decision,
    DraftAction,
    DraftState,
    EventKind,
    SigningAuthority,
    StepDecision,
    StepKind,
    StepMode,
    StepStatus,
)
from ..models import Draft, DraftEvent, DraftVersion, ReviewStep
from ..permissions import allowed_actions

# --- Choices documented as named enums, all named Draft…Enum -------------------------------------


class DraftEnumField(EnumField):
    """A choice of the drafting app, documented as the component `Draft<Choices>Enum` so names
    such as `StepStatusEnum` stay free for other apps."""


class DraftEnumFieldExtension(EnumFieldExtension):
    target_class = DraftEnumField
    priority = 1

    def get_name(self) -> str:
        name = self.target.choices_class.__name__
        return f"{name if name.startswith('Draft') else 'Draft' + name}Enum"


def _agency_id(field: serializers.Field[Any, Any, Any, Any]) -> int:
    request = field.context.get("request")
    return getattr(getattr(request, "user", None), "agency_id", None) or 0


# --- Output ---------------------------------------------------------------------------------


class DraftVersionSerializer(serializers.ModelSerializer[DraftVersion]):
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    content_type = serializers.CharField(source="blob.content_type", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DraftVersion
        fields = [
            "id",
            "draft",
            "number",
            "original_name",
            "note",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: DraftVersion) -> str:
        request = self.context.get("request")
        if request is None:
            return django_reverse("v1:draft-version-file", kwargs={"pk": obj.pk})
        return reverse("draft-version-file", kwargs={"pk": obj.pk}, request=request)


class ReviewStepSerializer(serializers.ModelSerializer[ReviewStep]):
    kind = DraftEnumField(StepKind, read_only=True)
    mode = DraftEnumField(StepMode, read_only=True)
    status = DraftEnumField(StepStatus, read_only=True)
    decision = DraftEnumField(StepDecision, read_only=True, allow_blank=True)

    class Meta:
        model = ReviewStep
        fields = [
            "id",
            "round",
            "order",
            "kind",
            "mode",
            "unit",
            "assignee",
            "status",
            "request_note",
            "decision",
            "comment",
            "decided_by",
            "decided_on_behalf_of",
            "decided_at",
        ]
        read_only_fields = fields


class DraftEventSerializer(serializers.ModelSerializer[DraftEvent]):
    kind = DraftEnumField(EventKind, read_only=True)
    from_state = DraftEnumField(DraftState, read_only=True)
    to_state = DraftEnumField(DraftState, read_only=True)
    version = serializers.IntegerField(
        source="version.number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = DraftEvent
        fields = [
            "id",
            "kind",
            "actor",
            "on_behalf_of",
            "occurred_at",
            "from_state",
            "to_state",
            "comment",
            "step",
            "version",
        ]
        read_only_fields = fields


_SUMMARY_FIELDS = [
    "id",
    "state",
    "agency",
    "drafting_unit",
    "created_by",
    "document_type",
    "document_type_name",
    "subject",
    "urgency",
    "confidentiality",
    "signer",
    "signing_authority",
    "on_behalf_of",
    "round",
    "document",
    "created_at",
    "updated_at",
]


class DraftSerializer(serializers.ModelSerializer[Draft]):
    """A draft as listed."""

    state = DraftEnumField(DraftState, read_only=True)
    urgency = EnumField(Urgency, read_only=True)
    confidentiality = EnumField(Confidentiality, read_only=True)
    signing_authority = DraftEnumField(SigningAuthority, read_only=True)
    document_type_name = serializers.CharField(source="document_type.name", read_only=True)

    class Meta:
        model = Draft
        fields = _SUMMARY_FIELDS
        read_only_fields = fields


class DraftDetailSerializer(DraftSerializer):
    """A draft with its versions, its route, its history and what the caller may do now."""

    signed_authority = DraftEnumField(SigningAuthority, read_only=True, allow_blank=True)
    document_number = serializers.CharField(
        source="document.number_and_symbol", read_only=True, allow_null=True, default=None
    )
    versions = DraftVersionSerializer(many=True, read_only=True)
    steps = ReviewStepSerializer(many=True, read_only=True)
    history = DraftEventSerializer(source="events", many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = [
            *_SUMMARY_FIELDS,
            "recipient_agencies",
            "external_recipients",
            "signed_by",
            "signed_on_behalf_of",
            "signed_authority",
            "signed_at",
            "signed_version",
            "document_number",
            "versions",
            "steps",
            "history",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=DraftEnumField(DraftAction)))
    def get_allowed_actions(self, obj: Draft) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(getattr(request, "user", None), obj) if request else []


# --- Input ----------------------------------------------------------------------------------


class OwnAgencyUserField(serializers.PrimaryKeyRelatedField[User]):
    """An active official of the caller's agency (others read as “does not exist”)."""

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.active().filter(agency_id=_agency_id(self))


class OwnUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """A unit of the caller's agency (others read as “does not exist”)."""

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.filter(agency_id=_agency_id(self))


class OwnReservationField(serializers.PrimaryKeyRelatedField[NumberAllocation]):
    def get_queryset(self) -> QuerySet[NumberAllocation]:
        return NumberAllocation.objects.filter(register__agency_id=_agency_id(self))


class DraftUpdateSerializer(serializers.Serializer[Any]):
    """The particulars of a draft; on update, only the fields sent change."""

    document_type = serializers.PrimaryKeyRelatedField(queryset=DocumentType.objects.all())
    subject = serializers.CharField(max_length=500, allow_blank=True)
    urgency = EnumField(Urgency, required=False, default=Urgency.NORMAL)
    confidentiality = EnumField(Confidentiality, required=False, default=Confidentiality.NONE)
    recipient_agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, required=False
    )
    external_recipients = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    signer = OwnAgencyUserField(
        queryset=User.objects.all(), help_text="A leader of the agency who signs the document."
    )
    signing_authority = DraftEnumField(
        SigningAuthority, required=False, default=SigningAuthority.NONE
    )
    on_behalf_of = OwnAgencyUserField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="The head the signer signs for: required with KT., TUQ. and TL.",
    )


class DraftCreateSerializer(DraftUpdateSerializer):
    """A new draft in the caller's unit; optionally its first file (multipart)."""

    drafting_unit = OwnUnitField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="Empty: the caller's own unit.",
    )
    file = UploadField(required=False, allow_empty_file=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DraftVersionInputSerializer(serializers.Serializer[Any]):
    file = UploadField(allow_empty_file=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DraftNoteInputSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class DraftCommentInputSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000)


class DraftWithdrawInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=5000)


class DraftReviewInputSerializer(serializers.Serializer[Any]):
    decision = DraftEnumField(Decision)
    comment = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="Required when returning: what has to be revised.",
    )


class DraftSignOffInputSerializer(DraftReviewInputSerializer):
    file = UploadField(
        required=False,
        allow_empty_file=True,
        help_text="The signer's edited file (multipart): it becomes a new version.",
    )
    signing_secret = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        help_text="Passphrase or PIN of the signer's certificate: the final PDF is digitally "
        "signed (PAdES). Never stored.",
    )


class DraftCommentRequestInputSerializer(serializers.Serializer[Any]):
    units = serializers.ListField(
        child=OwnUnitField(queryset=Unit.objects.all()),
        min_length=1,
        help_text="Units whose leaders comment; with `sequential`, in this order.",
    )
    mode = DraftEnumField(StepMode, required=False, default=StepMode.PARALLEL)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class DraftIssueInputSerializer(serializers.Serializer[Any]):
    issued_date = serializers.DateField(required=False, allow_null=True, help_text="Empty: today.")
    reservation = OwnReservationField(
        queryset=NumberAllocation.objects.all(),
        required=False,
        allow_null=True,
        help_text="A number reserved in advance (lấy số trước); empty: the next number.",
    )
    signing_secret = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        help_text="Passphrase or PIN of the agency's certificate: the number and date are "
        "stamped into the PDF and the agency signs it. Never stored.",
    )
