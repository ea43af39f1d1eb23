"""Query-string filters every app's API uses."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field

from lienthong.core.ids import ID_SCHEMA, IdField


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A query-string filter on the id of a row (`field_name="register_id"`): a whole number
    from 1 to the largest bigint, anything else is a 400."""

    field_class = IdField
