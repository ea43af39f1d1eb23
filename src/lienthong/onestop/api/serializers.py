"""Serializers of the one-stop API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienthong.core.api.fields import IdInput

from ..constants import ApplicantKind, Channel
from ..models import Dossier, DossierComponent, DossierStep, HandOver
from ..querysets import is_applicant


class DossierStepSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "order",
            "name",
            "agency",
            "unit",
            "role",
            "state",
            "started_at",
            "deadline_at",
            "finished_at",
            "outcome",
        ]


class DossierHistorySerializer(serializers.ModelSerializer):
    to = serializers.SerializerMethodField()

    status_after = serializers.CharField(help_text="The dossier's status after this step.")

    class Meta:
        model = HandOver
        fields = ["at", "action", "to", "status_after", "note", "to_applicant"]

    def get_to(self, entry: HandOver) -> str:
        target = entry.to_unit or entry.to_agency
        return str(target) if target else ""


class ApplicantHistorySerializer(serializers.ModelSerializer):
    """The history as the applicant sees it: statuses, times, the agency, and only the notes
    sent to them (`HandOver.applicant_note`); internal opinions never."""

    to = serializers.SerializerMethodField()
    status_after = serializers.CharField(help_text="The dossier's status after this step.")
    portal_status = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(source="applicant_note", help_text="A message to the applicant.")

    class Meta:
        model = HandOver
        fields = ["at", "action", "to", "status_after", "portal_status", "note"]

    def get_to(self, entry: HandOver) -> str:
        return str(entry.to_agency) if entry.to_agency else ""


def applicant_history(dossier: Dossier) -> list[dict[str, Any]]:
    entries = dossier.history.for_applicant().select_related("to_agency")
    return ApplicantHistorySerializer(entries, many=True).data  # type: ignore[return-value]


class DossierComponentSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(source="blob.size")
    content_type = serializers.CharField(source="blob.content_type")

    class Meta:
        model = DossierComponent
        fields = [
            "id",
            "procedure_component",
            "name",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
        ]


class DossierSerializer(serializers.ModelSerializer):
    procedure_name = serializers.CharField(source="procedure.name")
    agency_code = serializers.CharField(source="agency.code")
    status = serializers.CharField(
        help_text="Internal status: draft, submitted, supplement_requested, refused, received, "
        "processing, awaiting_payment, withdrawn, stopped, done, returned."
    )
    portal_status = serializers.IntegerField(
        allow_null=True, help_text="The national public-service portal's status code 1-10."
    )
    portal_status_name = serializers.CharField()

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure",
            "procedure_name",
            "agency_code",
            "channel",
            "status",
            "portal_status",
            "portal_status_name",
            "applicant_kind",
            "applicant_name",
            "subject",
            "submitted_at",
            "received_at",
            "due_at",
            "first_due_at",
            "finished_at",
            "returned_at",
            "outcome",
            "fee_vnd",
            "fee_paid_at",
        ]


class DossierDetailSerializer(DossierSerializer):
    steps = DossierStepSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()
    components = DossierComponentSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "steps", "history", "components"]

    @extend_schema_field(DossierHistorySerializer(many=True))
    def get_history(self, dossier: Dossier) -> list[dict[str, Any]]:
        """Officials read the whole history; the applicant what was sent to them."""
        request = self.context.get("request")
        if request is None or is_applicant(request.user):
            return applicant_history(dossier)
        entries = dossier.history.select_related("to_agency", "to_unit", "actor")
        return DossierHistorySerializer(entries, many=True).data  # type: ignore[return-value]


class DossierCreateSerializer(serializers.Serializer):
    procedure = IdInput()
    idempotency_key = serializers.UUIDField(
        help_text="A fresh UUID per form: sending the same request again returns the same "
        "dossier instead of a second one."
    )
    subject = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    copies = serializers.IntegerField(min_value=1, max_value=99, default=1)
    by_post = serializers.BooleanField(default=False)
    # Counter dossiers only (an applicant's own data come from their account).
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, required=False)
    applicant_name = serializers.CharField(max_length=200, required=False)
    applicant_id_number = serializers.CharField(max_length=14, required=False)
    applicant_phone = serializers.CharField(max_length=15, required=False)
    applicant_email = serializers.EmailField(required=False, default="", allow_blank=True)
    applicant_address = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True
    )


class DossierPaperSerializer(serializers.Serializer):
    file = serializers.FileField()
    signing_secret = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        help_text="Passphrase or PIN of the agency's certificate: the number and date are "
        "stamped into the PDF and the agency signs it. Never stored.",
    )
    procedure_component = IdInput(required=False, allow_null=True)


class DossierSupplementSerializer(serializers.Serializer):
    items = serializers.CharField(max_length=4000)
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class DossierReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class DossierReturnSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)


class DossierRatingSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(
        min_value=1,
        max_value=4,
        help_text="4 very satisfied, 3 satisfied, 2 neutral, 1 dissatisfied.",
    )
    staff_attitude = serializers.IntegerField(min_value=1, max_value=4, help_text="Same scale.")
    comment = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class DossierTrackingInputSerializer(serializers.Serializer):
    code = serializers.RegexField(
        r"^\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4}$",
        max_length=40,
        error_messages={"invalid": "000.00.05.H12-261123-0001"},
    )
    factor = serializers.CharField(
        max_length=20, help_text="Telephone or ID number in the dossier."
    )
    second_factor = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=(
            "The other one (ID number when `factor` is the telephone, or the telephone). Required "
            "once a code has had many wrong look-ups; when given, both must match."
        ),
    )


class DossierTrackingSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure_name = serializers.CharField(source="procedure.name")
    agency = serializers.CharField(source="agency.name")
    status = serializers.CharField()
    portal_status = serializers.IntegerField(allow_null=True)
    portal_status_name = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    history = serializers.SerializerMethodField()

    @extend_schema_field(ApplicantHistorySerializer(many=True))
    def get_history(self, dossier: Dossier) -> list[dict[str, Any]]:
        return applicant_history(dossier)


class DossierAssignSerializer(serializers.Serializer):
    handler = IdInput(help_text="The user who examines the current step.")


class DossierConsultSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text="Another unit of the step's agency.")
    question = serializers.CharField(max_length=2000)
    days = serializers.DecimalField(max_digits=4, decimal_places=1, default=Decimal(1))


class DossierAnswerSerializer(serializers.Serializer):
    consultation = serializers.IntegerField()
    answer = serializers.CharField(max_length=4000)


class DossierProposeSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class DossierApproveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    to_applicant = serializers.BooleanField(
        default=False, help_text="The note is a message to the applicant (else internal)."
    )


class DossierApologySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    new_due_at = serializers.DateTimeField()


class DossierResultSerializer(serializers.Serializer):
    document_type = serializers.IntegerField()
    subject = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    file = serializers.FileField()
