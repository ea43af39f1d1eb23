"""Fees read “500.000 đ” everywhere; Vietnamese names sort in Vietnamese alphabetical order."""

from __future__ import annotations

from django.template import Context, Template

from lienthong.core.collation import vietnamese_sort_key
from lienthong.core.templatetags.money import format_vnd


def test_amounts_read_with_dots_and_the_dong_sign() -> None:
    assert format_vnd(500_000) == "500.000 đ"
    assert format_vnd(1_250_000) == "1.250.000 đ"
    assert format_vnd(30_000) == "30.000 đ"
    assert format_vnd(0) == "0 đ"
    assert format_vnd("200000") == "200.000 đ"
    assert format_vnd(None) == ""
    rendered = Template("{% load money %}Phí: {{ fee|vnd }}").render(Context({"fee": 500000}))
    assert rendered == "Phí: 500.000 đ"


def test_names_sort_in_the_vietnamese_alphabet_not_by_code_points() -> None:
    names = [
        "Đăng ký hoạt động in",
        "Chứng thực bản sao",
        "Zalo",
        "Cho phép họp báo",
        "Duyệt nội dung",
        "Cấp giấy phép in",
        "Ấn phẩm",
        "An toàn thông tin",
        "Cấp",
        "Cập nhật",
        "Cấp lại giấy phép",
    ]
    assert sorted(names, key=vietnamese_sort_key) == [
        "An toàn thông tin",
        "Ấn phẩm",  # â after a
        "Cấp",  # a name before the longer names it starts
        "Cấp giấy phép in",
        "Cấp lại giấy phép",
        "Cập nhật",  # the same letters as Cấp: words first, tones only to break ties
        "Cho phép họp báo",  # "ca" before "ch"
        "Chứng thực bản sao",  # "cho" before "chư"
        "Duyệt nội dung",
        "Đăng ký hoạt động in",  # Đ after D, not after Z
        "Zalo",
    ]
    assert sorted(names) != sorted(names, key=vietnamese_sort_key)  # code points differ
    # Tones break ties in the dictionary's order: a à ả ã á ạ.
    assert sorted(["bạ", "bá", "bã", "bả", "bà", "ba"], key=vietnamese_sort_key) == [
        "ba",
        "bà",
        "bả",
        "bã",
        "bá",
        "bạ",
    ]
    # The key is plain a-z, which every database collation orders byte by byte.
    key = vietnamese_sort_key("Đăng ký, 2026!")
    assert key and set(key) <= set("abcdefghijklmnopqrstuvwxyz")
    assert vietnamese_sort_key("CẤP") == vietnamese_sort_key("cấp")
    assert vietnamese_sort_key("") == ""
