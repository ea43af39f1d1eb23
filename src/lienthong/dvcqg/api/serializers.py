from rest_framework import serializers

from ..models import NationalProcedureCode, StatusPush


class StatusPushSerializer(serializers.ModelSerializer[StatusPush]):
    dossier_code = serializers.CharField(source="dossier.code", read_only=True)
    tracking_code = serializers.SerializerMethodField()
    # status, progress or fee (docs/dvcqg.md); a plain string, not one more "KindEnum".
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = StatusPush
        fields = [
            "id",
            "dossier",
            "dossier_code",
            "tracking_code",
            "sequence",
            "kind",
            "status_code",
            "local_status",
            "changed_at",
            "state",
            "attempts",
            "last_error",
            "next_attempt_at",
            "acknowledged_at",
            "duplicate",
        ]
        read_only_fields = fields

    def get_tracking_code(self, push: StatusPush) -> str:
        """The portal's own code of a dossier pulled from it ("" for our own dossiers)."""
        link = getattr(push.dossier, "dvcqg_link", None)
        return link.tracking_code if link else ""


class ProcedureCodeSerializer(serializers.ModelSerializer[NationalProcedureCode]):
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)

    class Meta:
        model = NationalProcedureCode
        fields = ["procedure", "procedure_name", "code", "verified"]
        read_only_fields = fields
