"""The front-end pieces served locally (pickers, PDF viewer) and the administration in
Vietnamese. The browser side of each is walked in tests/e2e/test_ui_flow.py."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

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
    assert "Xác thực hai yếu tố: ứng dụng tạo mã" in sections
    assert "Đăng nhập sai và khóa tài khoản tạm thời" in sections


def test_third_party_migration_state_is_untouched() -> None:
    from django.apps import apps
    from django.utils import translation

    model = apps.get_model("otp_totp", "totpdevice")
    with translation.override("vi"):
        assert str(model._meta.verbose_name) == "ứng dụng tạo mã"
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
