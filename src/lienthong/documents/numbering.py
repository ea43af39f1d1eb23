"""Pure rules of document numbers and symbols (Decree 30/2020, Điều 15 and Phụ lục I)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import VIETNAM_TZ

# Abbreviations developers use that are not official and must never be printed.
UNOFFICIAL_ABBREVIATIONS = {"CV"}
_NOTATION = re.compile(r"^[A-Za-zĐđ0-9]+(?:-[A-Za-zĐđ0-9]+)+$")


def vietnam_year(moment: datetime | None = None) -> int:
    """The numbering year: numbers restart at 01 on 1 January, Vietnam time."""
    return timezone.localtime(moment or timezone.now(), ZoneInfo(VIETNAM_TZ)).year


def format_number(number: int) -> str:
    """Numbers under 10 get a leading zero: 5 → “05”."""
    return f"{number:02d}"


def build_notation(
    *, type_abbreviation: str, agency_abbreviation: str, unit_abbreviation: str = ""
) -> str:
    """Ký hiệu: “QĐ-UBND” for a decision; “UBND-VX” for a công văn (agency-drafting unit)."""
    if type_abbreviation:
        return f"{type_abbreviation}-{agency_abbreviation}"
    if not unit_abbreviation:
        raise ValidationError(
            _("An official letter's symbol needs the drafting unit's abbreviation.")
        )
    return f"{agency_abbreviation}-{unit_abbreviation}"


def validate_notation(
    notation: str, *, type_abbreviation: str, known_abbreviations: set[str]
) -> None:
    """Check a symbol against the document type: “QĐ-UBND” for a Quyết định; a công văn's
    symbol starts with the agency, never with a type abbreviation or the unofficial “CV”."""
    value = notation.strip()
    if not _NOTATION.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a document symbol: write it like QĐ-UBND or UBND-VX, "
                "groups separated by “-”, without spaces."
            )
            % {"value": value},
            code="invalid_notation",
        )
    first = value.split("-")[0]
    if type_abbreviation:
        if first != type_abbreviation:
            raise ValidationError(
                _(
                    "The symbol “%(value)s” does not match the document type: it should start "
                    "with “%(abbr)s-”."
                )
                % {"value": value, "abbr": type_abbreviation},
                code="notation_type_mismatch",
            )
    elif first in known_abbreviations or first.upper() in UNOFFICIAL_ABBREVIATIONS:
        raise ValidationError(
            _(
                "“%(abbr)s” is a document-type abbreviation, but this type has none: the symbol "
                "starts with the issuing agency, like UBND-VX."
            )
            % {"abbr": first},
            code="notation_type_mismatch",
        )
