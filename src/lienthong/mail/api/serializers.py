"""Serializers of the address-book API: output only (the directory is read from the org tree)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lienthong.accounts.models import Agency, User

from .. import directory


class DirectoryQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    agency = serializers.IntegerField(required=False, min_value=1)


class DirectoryAgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "email", "phone", "address", "parent"]
        read_only_fields = fields


class DirectoryPersonSerializer(serializers.ModelSerializer[User]):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True, default="")
    position = serializers.CharField(source="position.name", read_only=True, default="")
    phone = serializers.SerializerMethodField(
        help_text="The official's own number: only for officials of the same agency."
    )

    class Meta:
        model = User
        fields = ["id", "full_name", "email", "phone", "position", "unit", "agency", "agency_name"]
        read_only_fields = fields

    def get_phone(self, person: User) -> str:
        return directory.phone_for(self.context["request"].user, person)
