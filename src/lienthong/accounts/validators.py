"""Validation of Vietnamese organisation identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AGENCY_CODE_PATTERN

_AGENCY_CODE = re.compile(AGENCY_CODE_PATTERN)
_ABBREVIATION = re.compile(r"^[A-ZĐ][A-Za-zĐđ0-9&]{0,19}$")


def validate_agency_code(value: str) -> None:
    """An electronic identifier code: `000.00.00.H12` (cấp 4 . cấp 3 . cấp 2 . cấp 1)."""
    if not _AGENCY_CODE.match(value or ""):
        raise ValidationError(
            _(
                "“%(value)s” is not an agency identifier code. The format is "
                "000.00.00.H12: three digits, two digits, two digits and a letter with two "
                "digits, separated by dots."
            ),
            code="invalid_agency_code",
            params={"value": value},
        )
    parts = value.split(".")
    levels = [parts[3], parts[2], parts[1], parts[0]]  # cấp 1, 2, 3, 4
    # A lower level cannot be set while a higher one is zero (000.05.00.H12 has no parent unit).
    seen_zero = False
    for level in levels[1:]:
        zero = set(level) == {"0"}
        if not zero and seen_zero:
            raise ValidationError(
                _("“%(value)s” sets a lower level while a higher level is zero."),
                code="invalid_agency_code",
                params={"value": value},
            )
        seen_zero = seen_zero or zero


def agency_code_depth(value: str) -> int:
    """1 for 000.00.00.H12, 2 for 000.00.05.H12, 3 for 000.07.31.H12, 4 for 001.07.31.H12."""
    parts = value.split(".")
    return 1 + sum(1 for level in (parts[2], parts[1], parts[0]) if set(level) != {"0"})


def validate_child_agency_code(code: str, parent_code: str) -> None:
    """A child's code extends its parent's by exactly one level (QCVN 102 hierarchy)."""
    depth = agency_code_depth(parent_code)
    child_depth = agency_code_depth(code)
    parent_parts, child_parts = parent_code.split("."), code.split(".")
    # Compare the levels the parent fixes (from the right: cấp 1, cấp 2, ...).
    fixed = [3, 2, 1, 0][:depth]
    if child_depth != depth + 1 or any(parent_parts[i] != child_parts[i] for i in fixed):
        raise ValidationError(
            _("Code “%(code)s” does not extend its parent's code “%(parent)s” by one level."),
            code="agency_code_not_child",
            params={"code": code, "parent": parent_code},
        )


def validate_abbreviation(value: str) -> None:
    """Abbreviations used in document symbols: upper case, no spaces (UBND, STP, SNV, STTTT)."""
    if not _ABBREVIATION.match(value or ""):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid abbreviation: use letters and digits starting "
                "with a capital, without spaces or dashes, for example UBND or STP."
            ),
            code="invalid_abbreviation",
            params={"value": value},
        )


# Citizens and businesses sign up with their identity number or tax code as the user name
# (onestop.services.sign_up_applicant): digits, and a dash before a branch number. An official's
# user name never looks like one, so a sign-up can never collide with an official's account and
# the sign-up page cannot tell anyone which officials' user names exist.
_APPLICANT_ID = re.compile(r"^[0-9][0-9-]*$")


def is_applicant_identifier(username: str) -> bool:
    return bool(_APPLICANT_ID.match(username or ""))


def validate_official_username(value: str) -> None:
    if is_applicant_identifier(value):
        raise ValidationError(
            _(
                "An official's user name contains a letter: user names of digits alone are "
                "citizens' and businesses' ID numbers."
            ),
            code="applicant_identifier",
        )


# --- Applicants' identifiers -------------------------------------------------------------------
# A citizen's personal identification number (số định danh cá nhân, Decree 137/2015/NĐ-CP,
# Circular 59/2021/TT-BCA; the number on the chip-based citizen identity card, CCCD) has 12
# digits: the code of the province where the birth was registered (3), the century and sex (1),
# the year of birth (2) and a random part (6). The province codes are those of the 63
# provinces before the 2025 merger (the 34 of today are among them, and a number never
# changes).
_PROVINCE_BIRTH_CODES = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096"
)
PROVINCE_BIRTH_CODES = frozenset(_PROVINCE_BIRTH_CODES.split(" "))
_PERSONAL_ID = re.compile(r"^\d{12}$")
# An enterprise code (mã số doanh nghiệp, Law on Enterprises 2020, art. 29) is the enterprise's
# tax code: 10 digits, and `-NNN` (001 to 999) for a branch or other dependent unit.
_ENTERPRISE_CODE = re.compile(r"^\d{10}(-(?!000)\d{3})?$")


def normalise_identifier(value: str) -> str:
    """The identifier as stored: without the spaces or dots people type in long numbers."""
    return re.sub(r"[\s.]", "", value or "")


def validate_personal_id(value: str) -> None:
    if not _PERSONAL_ID.match(value or ""):
        raise ValidationError(
            _("A personal identification number has 12 digits."), code="invalid_personal_id"
        )
    if value[:3] not in PROVINCE_BIRTH_CODES:
        raise ValidationError(
            _(
                "A personal identification number starts with the code of a province "
                "(001 Hà Nội … 096 Cà Mau): “%(code)s” is none."
            ),
            code="invalid_personal_id",
            params={"code": value[:3]},
        )
    century = 1900 + 100 * (int(value[3]) // 2)
    if century + int(value[4:6]) > timezone.localdate().year:
        raise ValidationError(
            _("This personal identification number gives a year of birth in the future."),
            code="invalid_personal_id",
        )


def validate_enterprise_code(value: str) -> None:
    if not _ENTERPRISE_CODE.match(value or ""):
        raise ValidationError(
            _("An enterprise code has 10 digits, or 10 digits, a dash and 3 for a branch."),
            code="invalid_enterprise_code",
        )


def validate_applicant_identifier(value: str) -> None:
    """A personal identification number (12 digits) or an enterprise code (10, or 10-3)."""
    if len(value or "") == 12 and "-" not in value:
        validate_personal_id(value)
    elif _ENTERPRISE_CODE.match(value or ""):
        return
    else:
        raise ValidationError(
            _(
                "Give your 12-digit personal identification number (on the citizen identity "
                "card) or your enterprise's code (10 digits, or 10-3 for a branch)."
            ),
            code="invalid_identifier",
        )
