from rest_framework import serializers

from ..models import Agency, Unit, User


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "code_is_official",
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "parent",
            "governing_body_name",
            "place_name",
            "address",
            "phone",
            "email",
            "website",
            "is_active",
        ]
        read_only_fields = ["id", "is_active"]


class AgencyCreateSerializer(serializers.ModelSerializer[Agency]):
    """Input for creating an agency; the service validates the tree and audits."""

    class Meta:
        model = Agency
        fields = [
            "code",
            "code_is_official",
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "parent",
            "governing_body_name",
            "place_name",
            "address",
            "phone",
            "email",
            "website",
        ]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "agency", "name", "abbreviation", "parent", "is_active"]


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    position_name = serializers.CharField(source="position.name", default="", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "agency",
            "unit",
            "position",
            "position_name",
            "roles",
            "is_active",
        ]

    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.role_set())
