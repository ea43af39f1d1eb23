"""Serializers of the catalogue API: output shapes, and input only parsed here — the rules
(who may edit, steps adding up) are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from lienthong.accounts.models import Agency, Unit
from lienthong.core.api.fields import EnumField

from ..constants import CopyKind, GovernmentLevel, Level2022, StepRole
from ..models import (
    Procedure,
    ProcedureComponent,
    ProcedureForm,
    ProcedureStep,
    ResultKind,
    Sector,
)


class SectorSerializer(serializers.ModelSerializer[Sector]):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "ordinal"]


class ProcedureSerializer(serializers.ModelSerializer[Procedure]):
    sector_code = serializers.CharField(source="sector.code", read_only=True)
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    government_level = EnumField(GovernmentLevel, read_only=True)
    level_2022 = EnumField(Level2022, read_only=True)
    result_kind: serializers.SlugRelatedField[ResultKind] = serializers.SlugRelatedField(
        slug_field="name",
        read_only=True,
        allow_null=True,
        help_text="Giấy phép, Giấy chứng nhận… (null: the result is of no listed kind)",
    )
    needs_payment_online = serializers.BooleanField(read_only=True)
    web_url = serializers.SerializerMethodField(help_text="The public page of the procedure.")

    class Meta:
        model = Procedure
        fields = [
            "id",
            "national_code",
            "name",
            "sector",
            "sector_code",
            "agency",
            "agency_code",
            "agency_name",
            "government_level",
            "level_2011",
            "level_2022",
            "processing_days",
            "fee_vnd",
            "fee_note",
            "needs_payment_online",
            "result_name",
            "result_kind",
            "is_published",
            "published_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, obj: Procedure) -> str:
        return obj.get_absolute_url()


class ProcedureFormSerializer(serializers.ModelSerializer[ProcedureForm]):
    size = serializers.IntegerField(source="blob.size", read_only=True)
    content_type = serializers.CharField(source="blob.content_type", read_only=True)
    download_url = serializers.SerializerMethodField(help_text="Public download of the file.")

    class Meta:
        model = ProcedureForm
        fields = ["id", "code", "name", "file_name", "size", "content_type", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj: ProcedureForm) -> str:
        return obj.get_absolute_url()


class ProcedureComponentSerializer(serializers.ModelSerializer[ProcedureComponent]):
    copy_kind = EnumField(CopyKind, read_only=True)

    class Meta:
        model = ProcedureComponent
        fields = ["id", "order", "name", "copy_kind", "quantity", "required", "form", "note"]
        read_only_fields = fields


class ProcedureStepSerializer(serializers.ModelSerializer[ProcedureStep]):
    role = EnumField(StepRole, read_only=True)
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)

    class Meta:
        model = ProcedureStep
        fields = [
            "id",
            "order",
            "name",
            "agency",
            "agency_code",
            "agency_name",
            "unit",
            "unit_name",
            "role",
            "days",
            "description",
        ]
        read_only_fields = fields


class ProcedureDetailSerializer(ProcedureSerializer):
    components = ProcedureComponentSerializer(many=True, read_only=True)
    forms = ProcedureFormSerializer(many=True, read_only=True)
    steps = ProcedureStepSerializer(many=True, read_only=True)

    class Meta(ProcedureSerializer.Meta):
        fields = [
            *ProcedureSerializer.Meta.fields,
            "applicant",
            "method",
            "requirements",
            "legal_basis",
            "components",
            "forms",
            "steps",
        ]
        read_only_fields = fields


# --- Input ---------------------------------------------------------------------------------------


class ComponentInputSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField(min_value=1, max_value=500)
    name = serializers.CharField(max_length=500)
    copy_kind = EnumField(CopyKind, default=CopyKind.ORIGINAL)
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    required = serializers.BooleanField(default=True)  # type: ignore[assignment]
    form = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of one of this procedure's forms."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StepInputSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField(min_value=1, max_value=100)
    name = serializers.CharField(max_length=300)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.active())
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.active(), required=False, allow_null=True, default=None
    )
    role = EnumField(StepRole)
    days = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=Decimal(0), coerce_to_string=False
    )
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class ProcedureInputSerializer(serializers.Serializer[Any]):
    national_code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=500)
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all())
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.active())
    government_level = EnumField(GovernmentLevel, default=GovernmentLevel.PROVINCE)
    level_2011 = serializers.IntegerField(min_value=1, max_value=4)
    level_2022 = EnumField(Level2022, default=Level2022.NONE, allow_blank=True)
    applicant = serializers.CharField(max_length=300, required=False, allow_blank=True)
    method = serializers.CharField(required=False, allow_blank=True)
    requirements = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField()
    fee_vnd = serializers.IntegerField(min_value=0, default=0)
    fee_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    processing_days = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=Decimal("0.5"), coerce_to_string=False
    )
    result_name = serializers.CharField(max_length=300)
    result_kind = serializers.SlugRelatedField(
        slug_field="name",
        queryset=ResultKind.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The result kind by name (Giấy phép, Giấy chứng nhận…).",
    )
    components = ComponentInputSerializer(many=True, required=False)
    steps = StepInputSerializer(many=True, required=False)
    publish = serializers.BooleanField(
        default=False, help_text="Publish at once (the steps must then add up)."
    )


class ProcedureUpdateSerializer(ProcedureInputSerializer):
    """Every field optional; `components` and `steps`, when given, replace the lists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)

    publish = None  # type: ignore[assignment]
