"""The front-end pieces served locally (pickers, PDF viewer) and the administration in
Vietnamese. The browser side of each is walked in tests/e2e/test_ui_flow.py."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from lienthong.accounts.models import Unit, User
from lienthong.documents.forms import OutgoingForm
from lienthong.drafting.forms import DraftForm
from lienthong.workflows.forms import AssignForm, ReassignForm
from tests.conftest import PASSWORD

# English titles the admin index showed before: third-party apps without a Vietnamese catalogue
# or with untranslatable names.
ENGLISH_TITLES = [
    "Auth Token",
    "Tokens",
    "Tasks Database Backend",
    "Task Results",
    "Axes",
    "Access attempts",
    "Access logs",
    "Access failures",
    "Otp_Totp",
    "TOTP devices",
    "Otp_Static",
    "Static devices",
]


def test_admin_index_reads_in_vietnamese(db) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    client = Client()
    client.force_login(root)
    page = client.get("/quan-tri/")
    assert page.status_code == 200
    html = page.content.decode()
    sections = [unescape(t).strip() for t in re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", html)]
    models = [
        unescape(t).strip()
        for t in re.findall(
            r'<th scope="row"[^>]*>\s*(?:<a[^>]*>)?(.*?)(?:</a>)?\s*</th>', html, re.S
        )
    ]
    assert len(sections) >= 10 and len(models) >= 20, (sections, models)
    for title in ENGLISH_TITLES:
        assert title not in sections + models, title
    # Every section and every model reads in Vietnamese (each name has a Vietnamese letter).
    english = [t for t in sections + models if t.isascii()]
    assert english == []
    assert "Xác thực hai yếu tố: ứng dụng xác thực" in sections
    assert "Đăng nhập sai và khóa tài khoản tạm thời" in sections


def test_third_party_migration_state_is_untouched() -> None:
    from django.apps import apps
    from django.utils import translation

    model = apps.get_model("otp_totp", "totpdevice")
    with translation.override("vi"):
        assert str(model._meta.verbose_name) == "ứng dụng xác thực"
    # What migrations compare is the app's own Meta: no migration for a display name.
    assert model._meta.original_attrs["verbose_name"] == "TOTP device"


def _picker_fields(form) -> set[str]:
    return {name for name, field in form.fields.items() if "data-picker" in field.widget.attrs}


def test_unit_and_people_choices_use_the_searchable_picker(demo) -> None:
    leader = User.objects.get(username="lanhdao.stttt")
    assign = AssignForm(agency=leader.agency)
    assert _picker_fields(assign) == {"lead", "support", "information"}
    html = str(assign["support"])
    # Still a plain multiple select underneath: it works without JavaScript.
    assert re.search(r"<select[^>]*multiple", html) and "data-picker" in html
    unit = Unit.objects.filter(agency=leader.agency).first()
    assert unit is not None
    assert {"lead", "support"} <= _picker_fields(ReassignForm(unit=unit))
    assert "recipient_agencies" in _picker_fields(DraftForm(agency=leader.agency))
    assert "recipient_agencies" in _picker_fields(OutgoingForm(agency=leader.agency))


@pytest.mark.parametrize(
    "path",
    [
        "vendor/tom-select/tom-select.complete.min.js",
        "vendor/tom-select/css/tom-select.default.min.css",
        "vendor/pdfjs/pdf.min.mjs",
        "vendor/pdfjs/pdf.worker.min.mjs",
        "lienthong/js/app.js",
        "lienthong/js/pdf-viewer.mjs",
    ],
)
def test_front_end_files_are_served_locally(path: str) -> None:
    assert finders.find(path), path


def test_pages_load_only_local_scripts(demo) -> None:
    client = Client()
    client.force_login(User.objects.get(username="lanhdao.stttt"))
    html = client.get("/", follow=True).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("tom-select" in s for s in sources) and any("app.js" in s for s in sources)
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source


def test_document_pages_offer_the_pdf_to_the_inline_viewer(demo) -> None:
    from datetime import date

    from lienthong.documents import services as document_services
    from tests.documents import files
    from tests.documents.conftest import doc_type

    clerk = User.objects.get(username="vanthu.stttt")
    document = document_services.register_incoming(
        actor=clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Ủy ban nhân dân tỉnh Cà Mau",
        code_number="12",
        code_notation="UBND-KT",
        issued_date=date.today(),
        subject="V/v thử trình xem tệp",
    ).document
    assert document is not None
    pdf = files.text_pdf("Công văn số 12")
    version = document_services.add_attachment(
        actor=clerk, document=document, upload=io.BytesIO(pdf), name="cv.pdf", title="Công văn"
    )
    client = Client()
    client.force_login(User.objects.get(username="lanhdao.stttt"))
    file_url = reverse("documents:file", args=[version.pk])
    pages = [reverse("documents:detail", args=[document.pk]), f"/xu-ly/van-ban/{document.pk}/"]
    for page_url in pages:
        html = client.get(page_url).content.decode()
        assert "data-pdf-viewer" in html and 'src="/static/lienthong/js/pdf-viewer.mjs"' in html
        assert re.search(rf'data-pdf-src="{re.escape(file_url)}"', html), page_url
    # What the viewer fetches is the file itself, for this user.
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
