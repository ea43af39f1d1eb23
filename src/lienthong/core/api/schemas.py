"""The OpenAPI description's shared parts: the error answers every operation can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# The 400 body: each field's messages (`{"field": ["message"]}`), `non_field_errors` for the
# request as a whole (nested for the items of a list field), or one `detail` message for a body
# that is not JSON.
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {}}, {"type": "string"}, {"type": "object"}]
    },
}
ERRORS = {
    "400": (
        "The request is invalid (a field, a filter or a page cursor).",
        VALIDATION_ERROR_SCHEMA,
    ),
    "401": ("Not signed in, or the token is not valid.", _DETAIL),
    "403": ("Signed in, but this is not yours to do.", _DETAIL),
    "404": ("No such object, or not visible to the caller.", _DETAIL),
}


class ErrorSerializer(serializers.Serializer[Any]):
    """An error answered with one message (401, 403, 404, 409, ...)."""

    detail = serializers.CharField()


METHODS = {"get", "post", "put", "patch", "delete"}

# 507 from an upload (`InsufficientStorage` in `errors.py`): the file store is full. The
# body names the upload field (`file`) with the message; nothing was stored or recorded.
STORAGE_FULL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"file": {"type": "array", "items": {"type": "string"}}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
STORAGE_FULL = OpenApiResponse(
    STORAGE_FULL_SCHEMA,
    description="The file store is full: the file could not be saved and nothing was recorded "
    "(no row, no partial file). The same request succeeds once an administrator has made room.",
)


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents 400, 401, 403 and 404 in
    JSON (unless it documents them itself), so clients and the fuzzing suite know them."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, schema) in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result


def only_the_platform_api(
    endpoints: list[tuple[Any, ...]], **kwargs: object
) -> list[tuple[Any, ...]]:
    """drf-spectacular preprocessing hook: keep the endpoints under /api/v1/ (others, such as the
    Wagtail admin's own API, are internal to the tools that serve them)."""
    return [endpoint for endpoint in endpoints if str(endpoint[0]).startswith("/api/v1/")]
