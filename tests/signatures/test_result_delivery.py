"""The result is the deliverable: the applicant downloads the sealed electronic result (never
the unsigned upload) from their page and from public tracking, with its signature badge; the
officer's page links to the result document; and anyone holding a file can check on the public
page whether the platform issued it (by its content), by which agency, signed by whom."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lienthong.documents.models import Attachment
from lienthong.onestop.models import Dossier
from lienthong.onestop.services import Applicant
from tests.documents.files import text_pdf
from tests.onestop.conftest import (  # noqa: F401
    CITIZEN,
    clock,
    filed_online,
    make_citizen,
    pdf_file,
    world,
)

from .conftest import PASS
from .test_onestop import _issue, _processed, sealed_agency  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _bytes(blob: Any) -> bytes:
    with default_storage.open(blob.storage_name, "rb") as f:
        return f.read()


def _content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_applicant_gets_the_sealed_result_with_its_badge(
    world: Any,  # noqa: F811
    sealed_agency: Any,  # noqa: F811
    run_tasks: Any,
) -> None:
    dossier = _issue(world, _processed(world), PASS)
    run_tasks()  # the sealed file's signatures are checked in the background
    versions = list(Attachment.objects.get(document=dossier.result_document).versions.all())
    upload, sealed = sorted(versions, key=lambda v: v.version)
    assert dossier.result_file == sealed and sealed.blob.sha256 != upload.blob.sha256

    citizen = Client()
    citizen.force_login(world.citizen)
    page = citizen.get(reverse("citizen:my-dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="download-result"' in page
    assert re.search(r'data-testid="signature-status" data-state="valid"', page)
    assert 'data-testid="signature-recheck"' not in page  # no officials' button here
    downloaded = _content(citizen.get(reverse("citizen:result", args=[dossier.pk])))
    assert hashlib.sha256(downloaded).hexdigest() == sealed.blob.sha256

    # Public tracking, after the code and the second factor: the same file behind a signed link.
    tracked = Client().post(
        reverse("citizen:track"), {"code": dossier.code, "factor": CITIZEN.id_number}
    )
    html = tracked.content.decode()
    assert re.search(r'data-testid="signature-status" data-state="valid"', html)
    link = re.search(r'href="([^"]*/tra-cuu/ket-qua/\?t=[^"]+)"', html)
    assert link, "no result link on the tracking page"
    url = link.group(1).replace("&amp;", "&")
    assert hashlib.sha256(_content(Client().get(url))).hexdigest() == sealed.blob.sha256
    forged = Client().get(url[:-3] + "xyz")
    assert forged.status_code == 302 and forged["Location"] == reverse("citizen:track")
    # Without the right factor, no link at all.
    wrong = Client().post(reverse("citizen:track"), {"code": dossier.code, "factor": "0900000000"})
    assert "/tra-cuu/ket-qua/" not in wrong.content.decode()

    # The officer's page links to the result document and its sealed file.
    officer = Client()
    officer.force_login(world.counter)
    officer_page = officer.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert reverse("documents:detail", args=[dossier.result_document_id]) in officer_page
    assert reverse("onestop:result", args=[dossier.pk]) in officer_page
    # Another applicant gets nothing.
    other = make_citizen(
        "lan",
        Applicant(kind="citizen", name="Lê Lan", id_number="096188000999", phone="0913999888"),
    )
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(reverse("citizen:result", args=[dossier.pk])).status_code == 404


def test_an_unsigned_result_is_never_offered_to_the_applicant(
    world: Any,  # noqa: F811
    settings: Any,
) -> None:
    settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE = False
    dossier = _issue(world, _processed(world), None)
    assert dossier.result_document is not None and dossier.result_file is None
    citizen = Client()
    citizen.force_login(world.citizen)
    page = citizen.get(reverse("citizen:my-dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="download-result"' not in page
    assert 'data-testid="no-electronic-result"' in page
    response = citizen.get(reverse("citizen:result", args=[dossier.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("citizen:my-dossier", args=[dossier.pk])
    tracked = Client().post(
        reverse("citizen:track"), {"code": dossier.code, "factor": CITIZEN.phone}
    )
    assert "/tra-cuu/ket-qua/" not in tracked.content.decode()


def _check(client: Client, name: str, data: bytes) -> Any:
    return client.post(
        reverse("citizen:check-file"),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_the_check_page_recognises_an_issued_file_and_nothing_else(
    world: Any,  # noqa: F811
    sealed_agency: Any,  # noqa: F811
    settings: Any,
) -> None:
    dossier = _issue(world, _processed(world), PASS)
    dossier = Dossier.objects.select_related("result_document", "result_file__blob").get(
        pk=dossier.pk
    )
    sealed = _bytes(dossier.result_file.blob)
    client = Client()
    found = _check(client, "giay-phep.pdf", sealed)
    html = found.content.decode()
    assert found.status_code == 200 and 'data-testid="recognised"' in html
    assert world.dept.name in html
    assert dossier.result_document.number_and_symbol in html
    assert re.search(r'data-testid="signature-status" data-state="valid"', html)

    # The unsigned upload of the same result, one byte changed, another file: not ours.
    upload = Attachment.objects.get(document=dossier.result_document).versions.get(version=1)
    changed = sealed[:-10] + b"%%EOF  \n\n"
    for name, data in [
        ("ban-chua-ky.pdf", _bytes(upload.blob)),
        ("ban-sua.pdf", changed),
        ("khac.pdf", text_pdf("Giấy phép giả")),
    ]:
        response = _check(client, name, data)
        assert 'data-testid="recognised"' not in response.content.decode(), name
        if response.status_code == 200:
            assert 'data-testid="not-recognised"' in response.content.decode(), name

    # Uploads are checked as everywhere: not a PDF by its content, an empty file.
    bad = _check(client, "gia.pdf", b"MZ\x90\x00 not a pdf at all")
    assert bad.status_code == 400 and 'data-testid="check-result"' not in bad.content.decode()
    assert _check(client, "rong.pdf", b"").status_code == 400

    # Limited per address.
    settings.LIENTHONG_FILE_CHECK_LIMIT = 1
    cache.clear()
    assert _check(client, "khac.pdf", text_pdf("Một")).status_code == 200
    limited = _check(client, "giay-phep.pdf", sealed)
    assert limited.status_code == 429 and 'data-testid="recognised"' not in limited.content.decode()
