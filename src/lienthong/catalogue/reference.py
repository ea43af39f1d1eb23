"""Reference data of the catalogue, loaded by a migration (and put back by the tests after a
flush): the result kinds a procedure gives, and the sets of one-stop rules with the dates they
took effect. A new decree adds a set here and in a new migration; a set is never rewritten."""

from __future__ import annotations

from typing import Any

# The result kinds a procedure gives (catalogue data; an administrator adds more).
RESULT_KINDS = [
    ("Giấy phép", "GP"),
    ("Giấy chứng nhận", "GCN"),
    ("Giấy xác nhận", "GXN"),
    ("Văn bản chấp thuận", "VBCT"),
    ("Quyết định", "QĐ"),
]

_FORMS_2018 = {
    "receipt": {"number": "01", "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
    "supplement": {"number": "02", "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"},
    "refusal": {"number": "03", "title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"},
    "apology": {"number": "04", "title": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"},
    "control": {"number": "05", "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
    "book": {"number": "06", "title": "SỔ THEO DÕI HỒ SƠ"},
}
# Circular 03/2025/TT-VPCP, Phụ lục I: the apology becomes a letter asking for more time, a
# notice of stopped processing is added (05), the control sheet and the book move to 06 and 07.
_FORMS_2025 = {
    "receipt": {"number": "01", "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
    "supplement": {"number": "02", "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"},
    "refusal": {"number": "03", "title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"},
    "apology": {
        "number": "04",
        "title": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ",
    },
    "stop": {"number": "05", "title": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"},
    "control": {"number": "06", "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
    "book": {"number": "07", "title": "SỔ THEO DÕI HỒ SƠ"},
}
RULES = [
    # Decree 61/2018/NĐ-CP took effect on 21/6/2018 (Circular 01/2018/TT-VPCP guides it).
    ("2018", "Nghị định 61/2018/NĐ-CP", "Thông tư 01/2018/TT-VPCP", "2018-06-21", _FORMS_2018),
    # Decree 118/2025/NĐ-CP (9/6/2025) replaced it from 1/7/2025 (Circular 03/2025/TT-VPCP).
    ("2025", "Nghị định 118/2025/NĐ-CP", "Thông tư 03/2025/TT-VPCP", "2025-07-01", _FORMS_2025),
]


def ensure_result_kinds(result_kind_model: Any) -> None:
    for ordinal, (name, abbreviation) in enumerate(RESULT_KINDS, start=1):
        result_kind_model.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "ordinal": ordinal}
        )


def ensure_one_stop_rules(rules_model: Any) -> None:
    for code, decree, circular, start, forms in RULES:
        rules_model.objects.get_or_create(
            code=code,
            defaults={
                "decree": decree,
                "circular": circular,
                "effective_from": start,
                "supplement_days": 3,
                "forms": forms,
            },
        )
