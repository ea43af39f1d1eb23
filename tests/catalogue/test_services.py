"""Writing the catalogue through its services: who may, what is checked, what is recorded."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.accounts.models import Agency, User
from lienthong.catalogue import services
from lienthong.catalogue.blank_forms import form_docx
from lienthong.catalogue.models import Procedure, Sector
from lienthong.catalogue.services import ComponentSpec, StepSpec, validate_steps
from lienthong.core.models import AuditEvent

from .conftest import fields_for, steps_for

pytestmark = pytest.mark.django_db


def test_agency_admin_creates_a_procedure_with_steps_and_it_is_audited(
    justice: Agency, sector: Sector, justice_admin: User
) -> None:
    procedure = services.create_procedure(
        actor=justice_admin,
        fields=fields_for(justice, sector),
        components=[
            ComponentSpec(order=1, name="Tờ khai", copy_kind="original"),
            ComponentSpec(order=2, name="CMND", copy_kind="certified_copy", quantity=2),
        ],
        steps=steps_for(justice, "0.5", "8", "1", "0.5"),
        publish=True,
    )

    assert procedure.is_published and procedure.published_at is not None
    assert [c.copy_kind for c in procedure.components.all()] == ["original", "certified_copy"]
    assert [s.order for s in procedure.steps.all()] == [1, 2, 3, 4]
    event = AuditEvent.objects.for_object(procedure).get()
    assert event.action == "catalogue.procedure_created"
    assert event.actor == justice_admin
    assert procedure.search_text == " cap phieu ly lich tu phap t cmu 000001 tt bao chi so tu phap"


def test_steps_must_add_up_to_the_processing_time(
    justice: Agency, sector: Sector, db_snapshot: Callable[[], dict[str, int]]
) -> None:
    before = db_snapshot()
    with pytest.raises(ValidationError) as refused:
        services.create_procedure(
            actor=None,
            fields=fields_for(justice, sector),
            steps=steps_for(justice, "1", "7", "1"),  # 9, not 10
        )
    assert "9 working days in all" in str(refused.value) or "9 ngày" in str(refused.value)
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("orders", "valid"),
    [([1, 2, 3], True), ([1, 3, 4], False), ([1, 1, 2], False), ([2, 3, 4], False)],
)
def test_steps_are_numbered_without_gaps_or_repeats(
    justice: Agency, orders: list[int], valid: bool
) -> None:
    steps = [
        StepSpec(order=o, name="B", agency=justice, role="processing", days=Decimal(1))
        for o in orders
    ]
    problems = validate_steps(processing_days=Decimal(3), steps=steps)
    assert (not problems) is valid


def test_a_step_at_an_inactive_agency_or_with_a_foreign_unit_is_refused(
    justice: Agency, home_affairs: Agency
) -> None:
    from lienthong.accounts import services as accounts

    foreign_unit = accounts.create_unit(
        actor=None, agency=home_affairs, name="Văn phòng", abbreviation="VP"
    )
    accounts.update_agency(actor=None, agency=home_affairs, is_active=False)
    home_affairs.refresh_from_db()
    steps = [
        StepSpec(
            order=1, name="B1", agency=justice, role="reception", days=Decimal(1), unit=foreign_unit
        ),
        StepSpec(order=2, name="B2", agency=home_affairs, role="approval", days=Decimal(1)),
    ]
    problems = validate_steps(processing_days=Decimal(2), steps=steps)
    assert set(problems.by_index) == {0, 1}
    assert "does not belong" in problems.by_index[0][0] or "không thuộc" in problems.by_index[0][0]


def test_an_interagency_step_at_another_agency_is_allowed(
    justice: Agency, home_affairs: Agency, sector: Sector
) -> None:
    procedure = services.create_procedure(
        actor=None,
        fields=fields_for(justice, sector),
        steps=steps_for(justice, "2", "6", "2", other=home_affairs),
        publish=True,
    )
    interagency = [s for s in procedure.steps.all() if s.is_interagency]
    assert [s.agency for s in interagency] == [home_affairs]


def test_admin_of_another_agency_and_an_officer_may_not_edit(
    make_procedure: Callable[..., Procedure],
    justice: Agency,
    other_admin: User,
    justice_officer: User,
    db_snapshot: Callable[[], dict[str, int]],
) -> None:
    procedure = make_procedure(justice)
    before = db_snapshot()
    for actor in (other_admin, justice_officer):
        with pytest.raises(PermissionDenied):
            services.update_procedure(actor=actor, procedure=procedure, fields={"name": "X"})
        with pytest.raises(PermissionDenied):
            services.unpublish_procedure(actor=actor, procedure=procedure)
    assert db_snapshot() == before


def test_agency_admin_may_not_move_a_procedure_to_another_agency(
    make_procedure: Callable[..., Procedure],
    justice: Agency,
    home_affairs: Agency,
    justice_admin: User,
) -> None:
    procedure = make_procedure(justice, publish=False)
    with pytest.raises(PermissionDenied):
        services.update_procedure(
            actor=justice_admin, procedure=procedure, fields={"agency": home_affairs}
        )
    procedure.refresh_from_db()
    assert procedure.agency == justice


def test_changing_the_time_of_a_procedure_with_steps_needs_the_steps_too(
    make_procedure: Callable[..., Procedure], justice: Agency, sysadmin: User
) -> None:
    procedure = make_procedure(justice, days="10")
    with pytest.raises(ValidationError):
        services.update_procedure(
            actor=sysadmin, procedure=procedure, fields={"processing_days": Decimal(12)}
        )
    services.update_procedure(
        actor=sysadmin,
        procedure=procedure,
        fields={"processing_days": Decimal(12)},
        steps=steps_for(justice, "1", "10", "1"),
    )
    procedure.refresh_from_db()
    assert procedure.processing_days == 12
    assert sum(s.days for s in procedure.steps.all()) == 12


def test_publishing_needs_steps(justice: Agency, sector: Sector) -> None:
    procedure = services.create_procedure(actor=None, fields=fields_for(justice, sector))
    with pytest.raises(ValidationError):
        services.publish_procedure(actor=None, procedure=procedure)
    procedure.refresh_from_db()
    assert not procedure.is_published


def test_a_form_is_stored_as_a_checked_blob_and_bad_files_are_refused(
    make_procedure: Callable[..., Procedure],
    justice: Agency,
    justice_admin: User,
    db_snapshot: Callable[[], dict[str, int]],
) -> None:
    procedure = make_procedure(justice)
    content = form_docx(code="Mẫu 01", title="Tờ khai", addressee="Sở Tư pháp", lines=["Họ tên"])
    form = services.add_form(
        actor=justice_admin,
        procedure=procedure,
        name="Tờ khai",
        upload=io.BytesIO(content),
        file_name="C:\\Users\\x\\to-khai.docx",
    )
    assert form.file_name == "to-khai.docx"
    assert form.blob.size == len(content)
    assert form.blob.content_type.endswith("wordprocessingml.document")

    before = db_snapshot()
    with pytest.raises(ValidationError):
        services.add_form(
            actor=justice_admin,
            procedure=procedure,
            name="Giả mạo",
            upload=io.BytesIO(b"<html><script>alert(1)</script></html>"),
            file_name="mau.pdf",
        )
    assert db_snapshot() == before


def test_only_a_system_admin_edits_sectors(justice_admin: User, sysadmin: User) -> None:
    with pytest.raises(PermissionDenied):
        services.save_sector(actor=justice_admin, code="X", name="X")
    sector = services.save_sector(actor=sysadmin, code="XB", name="Xuất bản")
    assert Sector.objects.get(code="XB") == sector


def test_components_are_numbered_and_named(
    make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    procedure = make_procedure(justice)
    with pytest.raises(ValidationError):
        services.update_procedure(
            actor=None,
            procedure=procedure,
            components=[
                ComponentSpec(order=1, name="A"),
                ComponentSpec(order=3, name=" "),
            ],
        )
    assert [c.name for c in procedure.components.all()] == ["Tờ khai"]


def test_search_finds_with_and_without_tone_marks(
    make_procedure: Callable[..., Procedure], justice: Agency, home_affairs: Agency
) -> None:
    wanted = make_procedure(justice, name="Cấp giấy phép xuất bản bản tin")
    make_procedure(justice, name="Cho phép họp báo")
    hidden = make_procedure(justice, name="Cấp giấy phép in", publish=False)

    for query in ("giấy phép xuất bản", "giay phep xuat ban", "GIAY PHEP XUAT", "xuat ban ban t"):
        assert list(Procedure.objects.published().search(query)) == [wanted], query
    assert set(Procedure.objects.published().search("giay phep")) == {wanted}
    assert hidden in Procedure.objects.search("giay phep")
    assert not Procedure.objects.search("đăng ký kết hôn").exists()
    # The agency's name is searched too; words match from their start only.
    assert wanted in Procedure.objects.search("so tu phap")
    assert not Procedure.objects.search("iay phep").exists()
    assert list(Procedure.objects.search("T-CMU-" + wanted.national_code[6:12])) == [wanted]


def test_search_ranks_the_exact_spelling_first(
    make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    # “ma” (without marks) matches both; typed as “má” the exact one comes first.
    other = make_procedure(justice, name="Đăng ký mã số")
    exact = make_procedure(justice, name="Đăng ký má số")
    ranked = list(Procedure.objects.search("má"))
    assert ranked[0] == exact and other in ranked
    assert ranked[0].exact == 1 and ranked[1].exact == 0


def test_visible_to_anonymous_is_published_only(
    make_procedure: Callable[..., Procedure],
    justice: Agency,
    justice_admin: User,
    other_admin: User,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    published = make_procedure(justice)
    draft = make_procedure(justice, publish=False)
    assert set(Procedure.objects.visible_to(AnonymousUser())) == {published}
    assert set(Procedure.objects.visible_to(other_admin)) == {published}
    assert set(Procedure.objects.visible_to(justice_admin)) == {published, draft}


def test_needs_payment_online_for_level_4_with_a_fee(
    make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    assert make_procedure(justice, level_2011=4, fee_vnd=200_000).needs_payment_online
    assert not make_procedure(justice, level_2011=4, fee_vnd=0).needs_payment_online
    assert not make_procedure(justice, level_2011=3, fee_vnd=200_000).needs_payment_online
