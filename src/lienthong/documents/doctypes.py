"""The 29 administrative document types of Decree 30/2020 (Phụ lục III) and the three copy
kinds. Loaded by a migration; `ensure_document_types` puts back any that are missing (after a
test-database flush, or an administrator's mistake) without touching edited rows."""

from typing import Any

TYPES = [
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công văn", ""),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Thư công", ""),
]
COPIES = [("Bản sao y", "SY"), ("Bản trích sao", "TrS"), ("Bản sao lục", "SL")]


def ensure_document_types(document_type_model: Any) -> None:
    for ordinal, (name, abbreviation) in enumerate(TYPES, start=1):
        document_type_model.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "ordinal": ordinal}
        )
    for ordinal, (name, abbreviation) in enumerate(COPIES, start=101):
        document_type_model.objects.get_or_create(
            name=name,
            defaults={"abbreviation": abbreviation, "ordinal": ordinal, "is_copy_kind": True},
        )
