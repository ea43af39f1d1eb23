"""The yearly file catalogue (danh mục hồ sơ, Phụ lục V) and the retention table as data."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.accounts import services as account_services
from lienthong.records import services
from lienthong.records.constants import CatalogNumbering
from lienthong.records.models import (
    CaseFile,
    CatalogEntry,
    FileCatalog,
    RetentionPeriod,
    RetentionRule,
)

from .conftest import retention

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(agency):
    return account_services.create_unit(
        actor=None, agency=agency, name="Văn phòng Sở", abbreviation="VP"
    )


def test_the_retention_bands_are_loaded_as_data():
    names = list(RetentionPeriod.objects.values_list("name", flat=True))
    assert names == ["Vĩnh viễn", "70 năm", "50 năm", "20 năm", "10 năm", "5 năm"]
    permanent = RetentionPeriod.objects.get(name="Vĩnh viễn")
    assert permanent.is_permanent and permanent.must_be_deposited
    assert RetentionPeriod.objects.get(name="5 năm").years == 5


def test_the_retention_table_is_versioned_by_date():
    """Điều lệ and Quy chế làm việc: kept permanently under TT 09/2011, 20 years under
    TT 10/2022."""
    before = RetentionRule.objects.in_force(date(2020, 1, 1)).get(code="quy-che-lam-viec")
    after = RetentionRule.objects.in_force(date(2026, 1, 1)).get(code="quy-che-lam-viec")
    assert before.period.name == "Vĩnh viễn"
    assert after.period.name == "20 năm"
    assert after.legal_basis == "Thông tư 10/2022/TT-BNV"
    assert not RetentionRule.objects.filter(is_verified=True).exists()  # all await checking


def test_entries_are_numbered_within_each_heading(clerk, unit, office, specialist):
    catalog = services.create_catalog(actor=clerk, year=2026)
    a = services.add_catalog_entry(
        actor=clerk, catalog=catalog, unit=unit, title="Hồ sơ tuyển dụng", retention=retention()
    )
    b = services.add_catalog_entry(
        actor=clerk,
        catalog=catalog,
        unit=unit,
        title="Hồ sơ nâng lương",
        retention=retention("10 năm"),
        creator=specialist,
    )
    c = services.add_catalog_entry(
        actor=clerk,
        catalog=catalog,
        unit=office,
        title="Tập lưu văn bản đi",
        retention=retention("50 năm"),
    )
    assert [a.notation, b.notation, c.notation] == ["01.TCCB", "02.TCCB", "01.VP"]


def test_continuous_numbering_runs_over_the_whole_catalogue(clerk, unit, office):
    catalog = services.create_catalog(actor=clerk, year=2026, numbering=CatalogNumbering.CONTINUOUS)
    notations = [
        services.add_catalog_entry(
            actor=clerk, catalog=catalog, unit=u, title="Hồ sơ", retention=retention()
        ).notation
        for u in (unit, office, unit)
    ]
    assert notations == ["01.TCCB", "02.VP", "03.TCCB"]


def test_numbers_taken_by_files_outside_the_catalogue_are_skipped(clerk, unit, open_file):
    open_file(notation="01.TCCB", year=2026)
    catalog = services.create_catalog(actor=clerk, year=2026)
    entry = services.add_catalog_entry(
        actor=clerk, catalog=catalog, unit=unit, title="Hồ sơ", retention=retention()
    )
    assert entry.notation == "02.TCCB"


def test_one_catalogue_per_agency_and_year(clerk, other_clerk):
    services.create_catalog(actor=clerk, year=2026)
    with pytest.raises(ValidationError):
        services.create_catalog(actor=clerk, year=2026)
    services.create_catalog(actor=other_clerk, year=2026)  # another agency
    assert FileCatalog.objects.count() == 2


def test_only_the_clerk_and_leaders_plan_the_catalogue(specialist, leader):
    with pytest.raises(PermissionDenied):
        services.create_catalog(actor=specialist, year=2026)
    assert services.create_catalog(actor=leader, year=2026).year == 2026


def test_entries_only_under_the_agencys_own_units(clerk, other_clerk, other_agency, db_snapshot):
    foreign_unit = account_services.create_unit(
        actor=None, agency=other_agency, name="Phòng Tổ chức", abbreviation="TC"
    )
    catalog = services.create_catalog(actor=clerk, year=2026)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        services.add_catalog_entry(
            actor=clerk, catalog=catalog, unit=foreign_unit, title="Hồ sơ", retention=retention()
        )
    assert "unit" in caught.value.message_dict
    with pytest.raises(ValidationError):  # another agency's clerk, own unit, our catalogue
        services.add_catalog_entry(
            actor=other_clerk,
            catalog=catalog,
            unit=foreign_unit,
            title="Hồ sơ",
            retention=retention(),
        )
    assert db_snapshot() == before


def test_a_file_opened_from_the_catalogue_takes_the_entry(clerk, unit, specialist, agency):
    catalog = services.create_catalog(actor=clerk, year=2025)
    entry = services.add_catalog_entry(
        actor=clerk,
        catalog=catalog,
        unit=unit,
        title="Hồ sơ tuyển dụng công chức năm 2025",
        retention=retention("Vĩnh viễn"),
        creator=specialist,
    )
    case_file = services.open_file(actor=specialist, catalog_entry=entry)
    assert case_file.catalog_entry == entry
    assert (case_file.year, case_file.notation) == (2025, "01.TCCB")
    assert case_file.title == "Hồ sơ tuyển dụng công chức năm 2025"
    assert case_file.retention.name == "Vĩnh viễn"
    assert case_file.unit == unit
    assert case_file.creator == specialist
    assert case_file.file_code == f"{agency.code}.2025.01.TCCB"
    with pytest.raises(ValidationError) as caught:
        services.open_file(actor=specialist, catalog_entry=entry)
    assert "catalog_entry" in caught.value.message_dict
    assert CaseFile.objects.count() == 1


def test_an_entry_made_for_someone_else_is_opened_by_them_or_the_clerk(
    clerk, unit, specialist, colleague
):
    catalog = services.create_catalog(actor=clerk, year=2026)
    entry = services.add_catalog_entry(
        actor=clerk,
        catalog=catalog,
        unit=unit,
        title="Hồ sơ",
        retention=retention(),
        creator=specialist,
    )
    with pytest.raises(ValidationError):
        services.open_file(actor=colleague, catalog_entry=entry)
    assert services.open_file(actor=clerk, catalog_entry=entry).creator == specialist
    assert CatalogEntry.objects.get().case_files.count() == 1
