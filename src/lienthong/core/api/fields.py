"""Serializer fields every app's API uses: choices documented as named enums, uploaded files."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienthong.core.ids import BIGINT_MAX


class EnumField(serializers.ChoiceField):
    """A choice field whose choices appear in the schema as one named component
    (`DocumentStatusEnum`, ...), so fields called `status` or `kind` with different choice sets
    in different apps never collide in the generated names."""

    def __init__(self, choices_class: type[models.Choices], **kwargs: Any) -> None:
        self.choices_class = choices_class
        super().__init__(choices=choices_class.choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def get_name(self) -> str:
        return f"{self.target.choices_class.__name__}Enum"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        choices: list[tuple[Any, Any]] = self.target.choices_class.choices
        values = [value for value, _label in choices]
        return {
            "type": "integer" if all(isinstance(v, int) for v in values) else "string",
            "enum": values,
            "description": build_choice_description_list(choices),
        }


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """An uploaded file; its checks (type by content, size, readability) are the service's."""


class IdInput(serializers.IntegerField):
    """An API body's field holding the id of a row (1 … the largest bigint)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)
