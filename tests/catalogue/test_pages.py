"""The public catalogue pages (no sign-in) and the administrators' import page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lienthong.accounts.models import Agency, User
from lienthong.catalogue import services
from lienthong.catalogue.blank_forms import form_docx
from lienthong.catalogue.models import Procedure
from lienthong.catalogue.spreadsheet import SHEET_STEPS, template_workbook

from .test_import import _edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_procedure: Callable[..., Procedure], justice: Agency) -> Procedure:
    procedure = make_procedure(
        justice, name="Cấp Phiếu lý lịch tư pháp", level_2011=4, fee_vnd=200_000
    )
    form = services.add_form(
        actor=None,
        procedure=procedure,
        name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        code="Mẫu số 03",
        upload=io.BytesIO(
            form_docx(code="Mẫu số 03", title="Tờ khai", addressee="Sở Tư pháp", lines=["Họ tên"])
        ),
        file_name="to-khai-lltp.docx",
    )
    component = procedure.components.get()
    services.update_procedure(
        actor=None,
        procedure=procedure,
        components=[
            services.ComponentSpec(order=1, name=component.name, form=form),
            services.ComponentSpec(order=2, name="Chứng minh nhân dân", copy_kind="copy"),
        ],
    )
    return procedure


def test_anonymous_visitor_searches_without_tone_marks(
    client: Client, published: Procedure, make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    make_procedure(justice, name="Chứng thực chữ ký")
    draft = make_procedure(justice, name="Cấp phiếu thử nghiệm", publish=False)

    response = client.get(reverse("catalogue:home"), {"q": "phieu ly lich"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in page
    assert "Chứng thực chữ ký" not in page
    response = client.get(reverse("catalogue:home"), {"q": "phieu"})
    assert draft.name not in response.content.decode()


def test_filters_by_sector_agency_and_level(
    client: Client,
    published: Procedure,
    make_procedure: Callable[..., Procedure],
    home_affairs: Agency,
) -> None:
    other = make_procedure(home_affairs, name="Thẩm định tổ chức bộ máy", level_2011=2)
    url = reverse("catalogue:home")
    assert other.name not in client.get(url, {"level": 4}).content.decode()
    assert published.name in client.get(url, {"level": 4}).content.decode()
    by_agency = client.get(url, {"agency": home_affairs.pk}).content.decode()
    assert other.name in by_agency and published.name not in by_agency
    bad = client.get(url, {"level": 9, "sector": "abc"})
    assert bad.status_code == 200
    assert "lựa chọn" in bad.content.decode() or "valid choice" in bad.content.decode()


def test_procedure_page_shows_what_a_citizen_needs(client: Client, published: Procedure) -> None:
    response = client.get(reverse("catalogue:procedure", args=[published.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        published.national_code,
        "Sở Tư pháp",
        "200.000",
        "Luật Lý lịch tư pháp số 28/2009/QH12",
        "Chứng minh nhân dân",
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "Bước 2",
    ):
        assert text in page, text
    form = published.forms.get()
    assert reverse("catalogue:form-download", args=[published.pk, form.pk]) in page


def test_filing_button_links_to_the_one_stop_filing_page_for_level_3_and_4(
    client: Client, published: Procedure, make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    from django.urls import NoReverseMatch

    try:
        filing = reverse("citizen:file", args=[published.pk])
    except NoReverseMatch:
        pytest.skip("the one-stop app's filing page is not installed in this tree")
    page = client.get(reverse("catalogue:procedure", args=[published.pk])).content.decode()
    assert f'href="{filing}"' in page
    level_2 = make_procedure(justice, level_2011=2)
    page = client.get(reverse("catalogue:procedure", args=[level_2.pk])).content.decode()
    assert 'data-testid="file-online"' not in page


def test_form_download_is_public_for_published_procedures_only(
    client: Client, published: Procedure, justice_admin: User
) -> None:
    form = published.forms.get()
    url = reverse("catalogue:form-download", args=[published.pk, form.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:2] == b"PK" and len(body) == form.blob.size
    assert "to-khai-lltp.docx" in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("default-src 'none'")

    services.unpublish_procedure(actor=None, procedure=published)
    assert client.get(url).status_code == 404
    assert client.get(reverse("catalogue:procedure", args=[published.pk])).status_code == 404
    client.force_login(justice_admin)  # its editors still see it
    assert client.get(reverse("catalogue:procedure", args=[published.pk])).status_code == 200
    assert client.get(url).status_code == 200
    # A form id under another procedure's id is 404.
    assert client.get(reverse("catalogue:form-download", args=[999, form.pk])).status_code == 404


def test_catalogue_list_has_a_bounded_number_of_queries(
    client: Client,
    make_procedure: Callable[..., Procedure],
    justice: Agency,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(15):
        make_procedure(justice)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("catalogue:home")).status_code == 200


def test_import_page_for_administrators_only(
    client: Client, import_agencies: Any, user_factory: Callable[..., User]
) -> None:
    from lienthong.accounts.constants import Role

    url = reverse("catalogue:import")
    assert client.get(url).status_code == 302
    officer = user_factory(Agency.objects.get(code="000.00.11.H12"), roles=[Role.SPECIALIST])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert client.get(reverse("catalogue:import-template")).status_code == 403

    admin = user_factory(Agency.objects.get(code="000.00.11.H12"), roles=[Role.AGENCY_ADMIN])
    client.force_login(admin)
    template = client.get(reverse("catalogue:import-template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"

    bad = _edit(template.content, lambda wb: wb[SHEET_STEPS].__setitem__("G2", "x"))
    bad.name = "sai.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Các bước" in response.content.decode()
    assert not Procedure.objects.exists()

    not_xlsx = io.BytesIO(b"%PDF-1.4 not really")
    not_xlsx.name = "thu-tuc.xlsx"
    response = client.post(url, {"file": not_xlsx})
    assert response.status_code == 400 and not Procedure.objects.exists()

    good = io.BytesIO(template_workbook())
    good.name = "thu-tuc.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 400  # a new sector: only a system administrator adds one
    assert "BAO-CHI" in response.content.decode()
    services.save_sector(actor=None, code="BAO-CHI", name="Báo chí")
    good = io.BytesIO(template_workbook())
    good.name = "thu-tuc.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 200
    assert 'data-testid="import-result"' in response.content.decode()
    assert Procedure.objects.get().national_code == "T-CMU-999001-TT"
