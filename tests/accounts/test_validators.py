import pytest
from django.core.exceptions import ValidationError

from lienthong.accounts.validators import (
    agency_code_depth,
    validate_abbreviation,
    validate_agency_code,
    validate_child_agency_code,
)


@pytest.mark.parametrize(
    "code", ["000.00.00.H12", "000.00.05.H12", "000.03.31.H12", "001.03.31.H12", "000.00.00.G22"]
)
def test_well_formed_agency_codes_are_accepted(code: str) -> None:
    validate_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "H12",
        "000.00.00.h12",
        "000.00.00.H1",
        "00.00.00.H12",
        "000-00-00-H12",
        "000.00.00.H123",
        " 000.00.00.H12",
        "000.00.00.12H",
        "000.05.00.H12",
        "001.00.00.H12",
    ],
)
def test_malformed_agency_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_agency_code(code)
    assert exc.value.code == "invalid_agency_code"


def test_code_depth_counts_levels() -> None:
    assert [
        agency_code_depth(c)
        for c in ["000.00.00.H12", "000.00.31.H12", "000.03.31.H12", "002.03.31.H12"]
    ] == [1, 2, 3, 4]


def test_child_code_must_extend_parent_by_one_level() -> None:
    validate_child_agency_code("000.00.31.H12", "000.00.00.H12")
    validate_child_agency_code("000.03.31.H12", "000.00.31.H12")
    for child, parent in [
        ("000.03.31.H12", "000.00.00.H12"),
        ("000.03.32.H12", "000.00.31.H12"),
        ("000.00.31.H13", "000.00.00.H12"),
        ("000.00.00.H12", "000.00.00.H12"),
    ]:
        with pytest.raises(ValidationError):
            validate_child_agency_code(child, parent)


@pytest.mark.parametrize("value", ["UBND", "STP", "SKHĐT", "TTr", "VP", "LĐ"])
def test_document_symbol_abbreviations(value: str) -> None:
    validate_abbreviation(value)


@pytest.mark.parametrize("value", ["", "ubnd", "UB ND", "UB-ND", "A" * 21, "-STP"])
def test_bad_abbreviations_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_abbreviation(value)
