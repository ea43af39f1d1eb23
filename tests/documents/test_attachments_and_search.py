"""Attachments (type by content, size limit, versions kept, content-addressed) and Vietnamese
full-text search (tone marks optional, đ→d, exact accented matches first, keyset pages),
with text read from PDFs, Office files and OCR of scans."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from lienthong.documents import search as search_module
from lienthong.documents import services
from lienthong.documents.constants import ProcessingStatus
from lienthong.documents.models import AttachmentVersion, Blob, Document
from lienthong.documents.search import apply_search, fold, page_after
from lienthong.documents.uploads import storage_name
from tests.documents import files
from tests.documents.conftest import doc_type


def attach(clerk, document, content: bytes, name: str, **kwargs):
    return services.add_attachment(
        actor=clerk, document=document, upload=io.BytesIO(content), name=name, **kwargs
    )


def search(user, query: str, size: int = 25, after: str = ""):
    return page_after(apply_search(Document.objects.visible_to(user), query), after, size)


def test_fold_removes_tone_marks_and_folds_d() -> None:
    assert fold("Quyết định ĐĂNG KÝ đường Nguyễn Huệ") == "quyet dinh dang ky duong nguyen hue"
    # NFD input (as some Mac and Office files store it) folds the same way.
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Đăng ký kết hôn")) == "dang ky ket hon"


def test_pdf_is_stored_by_content_hash_and_versions_are_kept(
    clerk, unit, register_incoming, run_tasks
) -> None:
    # An outgoing document being prepared: issued and received documents are final (their
    # files are not replaced; tests/drafting/test_signing_policy.py).
    doc = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Công văn"),
        subject="Kế hoạch chuyển đổi số năm 2026",
        drafting_unit=unit,
        external_recipients="Các phòng, đơn vị thuộc Sở",
    )
    pdf1 = files.text_pdf("Kế hoạch chuyển đổi số năm 2026")
    v1 = attach(clerk, doc, pdf1, "ke-hoach.pdf")
    assert v1.blob.content_type == "application/pdf" and len(v1.blob.sha256) == 64
    assert default_storage.exists(storage_name(v1.blob.sha256))
    v2 = attach(
        clerk,
        doc,
        files.text_pdf("Kế hoạch chuyển đổi số năm 2026 (sửa đổi)"),
        "ke-hoach-v2.pdf",
        replaces=v1.attachment,
    )
    assert (v2.attachment_id, v2.version) == (v1.attachment_id, 2)
    assert default_storage.exists(v1.blob.storage_name)  # the replaced file is never lost
    again = attach(clerk, register_incoming(), pdf1, "copy.pdf")
    assert again.blob_id == v1.blob_id and Blob.objects.count() == 2  # same content stored once
    run_tasks()
    v1.refresh_from_db()
    assert (
        v1.text_status == ProcessingStatus.DONE and "chuyển đổi số" in v1.text and not v1.ocr_used
    )


@pytest.mark.parametrize(
    "content,name,code",
    [
        (files.elf_executable(), "quyet-dinh.pdf", "bad_type"),
        (b"<html><script>alert(1)</script></html>", "scan.pdf", "bad_type"),
        (files.broken_pdf(), "hong.pdf", "bad_pdf"),
        (b"", "empty.pdf", "empty"),
        (files.zip_bomb_docx(), "bomb.docx", "zip_bomb"),
    ],
)
def test_hostile_or_broken_files_are_refused_and_nothing_is_stored(
    clerk, register_incoming, db_snapshot, content, name, code
) -> None:
    doc = register_incoming()
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        attach(clerk, doc, content, name)
    assert exc.value.code == code and exc.value.messages[0]
    assert db_snapshot() == before


@override_settings(LIENTHONG_MAX_UPLOAD_BYTES=10_000)
def test_oversized_file_is_refused(clerk, register_incoming, db_snapshot) -> None:
    doc = register_incoming()
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        attach(clerk, doc, files.scan_image("Trang rất lớn\n" * 3), "lon.png")
    assert exc.value.code == "too_large" and "KB" in exc.value.messages[0]
    assert db_snapshot() == before


def test_file_names_are_made_harmless(clerk, register_incoming) -> None:
    doc = register_incoming()
    version = attach(clerk, doc, files.text_pdf("Tờ trình"), "../../etc/pass\x00wd\x1b.pdf")
    assert version.original_name == "passwd.pdf"


def test_office_files_are_accepted_by_content_and_read(clerk, register_incoming, run_tasks) -> None:
    doc = register_incoming()
    attach(
        clerk, doc, files.docx("Báo cáo tình hình thực hiện dịch vụ công trực tuyến"), "bao-cao.bin"
    )
    attach(clerk, doc, files.xlsx([["Huyện", "Số hồ sơ"], ["Ngọc Hiển", "42"]]), "thong-ke")
    run_tasks()
    texts = " ".join(
        AttachmentVersion.objects.filter(attachment__document=doc).values_list("text", flat=True)
    )
    assert "dịch vụ công trực tuyến" in texts and "Ngọc Hiển" in texts
    assert search(clerk, "ngoc hien")[0] == [doc]


def test_search_without_tone_marks_and_with_d(clerk, register_incoming, run_tasks) -> None:
    wanted = register_incoming(subject="Quyết định về việc cấp Giấy chứng nhận đăng ký kinh doanh")
    register_incoming(subject="Thông báo lịch tiếp công dân tháng 12")
    run_tasks()
    for query in [
        "quyet dinh dang ky",
        "QUYET DINH DANG KY",
        "Quyết định đăng ký",
        "đăng ký kinh",
        "dang ky kinh doa",
    ]:
        assert search(clerk, query)[0] == [wanted], query
    assert search(clerk, "dang ky ket hon")[0] == []


def test_search_by_number_symbol_and_issuer(clerk, register_incoming, run_tasks) -> None:
    doc = register_incoming(
        code_number="1234", code_notation="QĐ-UBND", issuer_name="Ủy ban nhân dân huyện Đầm Dơi"
    )
    run_tasks()
    assert search(clerk, "1234/QĐ-UBND")[0] == [doc]
    assert search(clerk, "dam doi")[0] == [doc]
    assert search(clerk, '"; DROP TABLE documents_document; --')[0] == []
    assert search(clerk, "ubnd-vp) OR (1=1")[0] == []


def test_exact_accented_matches_rank_first(clerk, register_incoming, run_tasks) -> None:
    ma = register_incoming(subject="Quy định về mã số hồ sơ")
    mam = register_incoming(subject="Quy định về ma túy học đường")
    run_tasks()
    rows, _ = search(clerk, "mã số")
    assert rows[0] == ma
    rows, _ = search(clerk, "ma")
    assert set(rows) == {ma, mam}
    rows, _ = search(clerk, "ma túy")
    assert rows == [mam]


# rare_limit 0: PostgreSQL walks the window, then asks the index; 200: it reads the ids the
# index gave; frequent: it reads newest first without the index
@pytest.mark.parametrize(
    ("window", "frequent", "rare_limit"),
    [(1, False, 0), (4, False, 0), (1, True, 0), (20_000, False, 200)],
)
def test_keyset_pages_cover_everything_once(
    clerk, register_incoming, run_tasks, window, frequent, rare_limit, monkeypatch
) -> None:
    monkeypatch.setattr(search_module, "SEARCH_WINDOW", window)
    monkeypatch.setattr(search_module, "RARE_LIMIT", rare_limit)
    if frequent:  # as if the statistics called the words frequent
        monkeypatch.setattr(
            search_module, "term_estimates", lambda tsquery: [1e6] * len(tsquery.split(" & "))
        )
    docs = [register_incoming(subject=f"Kế hoạch kiểm tra số {i}") for i in range(7)]
    run_tasks()
    seen, cursor = [], ""
    for _ in range(5):
        rows, cursor = search(clerk, "ke hoach", size=3, after=cursor)
        assert rows
        seen.extend(rows)
        if not cursor:
            break
    assert seen == sorted(docs, key=lambda d: -d.pk)
    rows, cursor = search(clerk, "", size=3, after="garbage")
    assert rows == [] and cursor == ""


@pytest.mark.parametrize(
    ("window", "frequent", "rare_limit"),
    [(2, False, 0), (3, False, 0), (1, True, 0), (20_000, False, 200)],
)
@pytest.mark.parametrize("size", [1, 2, 3, 4, 8])
def test_ranked_pages_read_exact_matches_first_then_the_rest_once(
    clerk, register_incoming, run_tasks, size, window, frequent, rare_limit, monkeypatch
) -> None:
    """Typed with tone marks, the exact matches come first, newest first, then the others: read
    as two keyset streams, page boundaries anywhere (inside either stream or between them). On
    PostgreSQL each stream reads a window of the newest ids, then the index for older ones: a
    window of 2 or 3 ids makes every page cross it. Frequent terms are read newest first
    without the index, rare terms (at most RARE_LIMIT matches) from the ids the index gave: the
    same pages either way."""
    monkeypatch.setattr(search_module, "SEARCH_WINDOW", window)
    monkeypatch.setattr(search_module, "RARE_LIMIT", rare_limit)
    if frequent:  # as if the statistics called the words frequent
        monkeypatch.setattr(
            search_module, "term_estimates", lambda tsquery: [1e6] * len(tsquery.split(" & "))
        )
    subjects = [
        "Kế hoạch thu hoạch lúa", "Kế hoạch kiểm tra", "Kẻ hoạch sai chính tả",
        "Kế hoạch năm 2027", "Kè hoa chợ", "Kế hoạch phòng dịch", "Ke hoach không dấu",
    ]  # fmt: skip
    docs = [register_incoming(subject=s) for s in subjects]
    run_tasks()
    exact = [d for d in docs if "kế hoạch" in d.subject.lower()]
    others = [d for d in docs if d not in exact and fold(d.subject).startswith("ke hoach")]
    expected = sorted(exact, key=lambda d: -d.pk) + sorted(others, key=lambda d: -d.pk)
    seen, cursor = [], ""
    for _ in range(20):
        rows, cursor = search(clerk, "Kế hoạch", size=size, after=cursor)
        assert len(rows) <= size
        seen.extend(rows)
        if not cursor:
            break
    assert seen == expected and len(exact) == 4 and len(others) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the probe is PostgreSQL's")
def test_the_probe_is_skipped_for_words_the_statistics_call_frequent(
    clerk, register_incoming, run_tasks, monkeypatch
) -> None:
    """A search whose rarest word PostgreSQL's statistics count above PROBE_LIMIT goes straight
    to the window (the probe would read every match first); a word the statistics do not list,
    or a table never analysed, keeps the probe. The results are the same either way."""
    monkeypatch.setattr(search_module, "PROBE_LIMIT", 5)
    frequent = [register_incoming(subject=f"Kế hoạch kiểm tra số {i}") for i in range(12)]
    rare = register_incoming(subject="Kế hoạch khảo sát đảo Hòn Khoai")
    register_incoming(subject="Trồng khoai lang")  # "khoai" without "ke"
    run_tasks()

    def matches_at_most(tsquery: str) -> float | None:
        return search_module.rarest(search_module.term_estimates(tsquery))

    assert matches_at_most("ke & hoach") is None  # never analysed

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_searchentry")
    assert matches_at_most("ke & hoach") == pytest.approx(13, abs=1)
    assert matches_at_most("hon & khoai") == pytest.approx(1, abs=1)
    assert search_module.term_estimates("khoai & ke:*") == [
        pytest.approx(2, abs=1),
        pytest.approx(13, abs=1),
    ]
    assert matches_at_most("ke & hoach & xyzzy") is None  # a word not listed

    def probes(query: str) -> tuple[list[Document], int]:
        with CaptureQueriesContext(connection) as captured:
            rows, _ = search(clerk, query)
        sql = [q["sql"] for q in captured.captured_queries]
        return rows, sum("LIMIT 201" in q and "folded_vector @@" in q for q in sql)

    assert probes("ke hoach") == (sorted([*frequent, rare], key=lambda d: -d.pk), 0)
    assert probes("Kế hoạch") == (sorted([*frequent, rare], key=lambda d: -d.pk), 0)
    assert probes("hon khoai") == ([rare], 1)

    # A frequent last word (a prefix: "ke" begins "ke", "kem"…) is left out of what the index is
    # asked for ("khoai", two rows), and the whole query is checked on the rows it gives.
    with CaptureQueriesContext(connection) as captured:
        rows, _ = search(clerk, "khoai ke")
    assert rows == [rare]
    probe = [q["sql"] for q in captured.captured_queries if "LIMIT 201" in q["sql"]]
    assert len(probe) == 1
    assert "@@ to_tsquery('simple', 'khoai')" in probe[0]
    assert "ts_match_vq(folded_vector, to_tsquery('simple', 'khoai & ke:*'))" in probe[0]
    assert search(clerk, "khoai kem")[0] == []  # the whole query still decides


def test_search_respects_access(clerk, other_clerk, register_incoming, run_tasks) -> None:
    register_incoming(subject="Báo cáo mật về quốc phòng")
    run_tasks()
    assert search(other_clerk, "bao cao")[0] == []


def test_ocr_of_a_scanned_vietnamese_pdf_makes_it_searchable(
    clerk, register_incoming, run_tasks
) -> None:
    doc = register_incoming(subject="Công văn gửi kèm bản quét")
    version = attach(
        clerk,
        doc,
        files.scanned_pdf("QUYẾT ĐỊNH\nVề việc thành lập Tổ công tác\nchuyển đổi số huyện Năm Căn"),
        "scan.pdf",
    )
    assert version.text_status == ProcessingStatus.PENDING  # registration did not wait for OCR
    run_tasks()
    version.refresh_from_db()
    assert version.text_status == ProcessingStatus.DONE and version.ocr_used, version.text_error
    assert "chuyển đổi số" in version.text.lower()
    assert search(clerk, "to cong tac chuyen doi so")[0] == [doc]
    assert search(clerk, "nam can")[0] == [doc]


def test_ocr_of_an_image(clerk, register_incoming, run_tasks) -> None:
    doc = register_incoming(subject="Ảnh chụp giấy mời")
    attach(
        clerk,
        doc,
        files.scan_image("GIẤY MỜI họp giao ban\ntại Ủy ban nhân dân xã Khánh Bình"),
        "giay-moi.png",
    )
    run_tasks()
    assert search(clerk, "khanh binh")[0] == [doc]


def test_failed_extraction_is_recorded_for_the_clerk(
    clerk, register_incoming, run_tasks, monkeypatch
) -> None:
    from lienthong.documents import textextract

    def broken(path, content_type):
        raise RuntimeError("tesseract crashed")

    monkeypatch.setattr(textextract, "extract", broken)
    doc = register_incoming()
    version = attach(clerk, doc, files.text_pdf("Tờ trình"), "to-trinh.pdf")
    run_tasks()
    version.refresh_from_db()
    assert (
        version.text_status == ProcessingStatus.FAILED and "tesseract crashed" in version.text_error
    )
    assert Document.objects.filter(pk=doc.pk).exists()


def test_issue_date_in_search_filters(clerk, register_incoming) -> None:
    doc = register_incoming(issued_date=date(2026, 1, 5))
    assert list(Document.objects.in_period(date(2020, 1, 1), date(2099, 1, 1))) == [doc]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_postgresql_does_not_take_a_search_for_one_row_in_ten_thousand(
    clerk, register_incoming
) -> None:
    """Each row's vector is checked by a function, which PostgreSQL prices at one row in three.
    As the @@ operator on a subquery's value it was priced at one in ten thousand, and at
    1,000,000 documents PostgreSQL then read a frequent word's every match in the agency to sort
    them (30,000 rows, 0.4 s) instead of walking the newest first to the page."""
    for number in range(60):
        register_incoming(subject=f"Quyết định số {number} về kế hoạch")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    plan = apply_search(Document.objects.visible_to(clerk), "quyet dinh").explain()
    estimated = int(plan.split("rows=", 1)[1].split()[0])
    assert estimated >= 60 // 4, plan
