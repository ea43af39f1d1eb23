"""The retention periods (thời hạn bảo quản) and the first rows of the retention table, as data
an administrator edits afterwards.

Sources: docs reference §1.10. The band list is the one used in practice under TT 10/2022/TT-BNV
(issued 19/12/2022, replacing TT 09/2011/TT-BNV) — the exact list is UNVERIFIED. Only one row
was seen quoted from the circular (Điều lệ / Quy chế làm việc: 20 năm, previously Vĩnh viễn);
the other rows are commonly cited and UNVERIFIED. Every rule row is therefore loaded with
is_verified=False, to be checked against the circular's table before production use.
The circulars' effective dates below are UNVERIFIED as well (45 days after signature assumed).
"""

from datetime import date

from django.db import migrations

PERIODS = [
    # (name, years, kinds of files it applies to)
    ("Vĩnh viễn", None, "Hồ sơ, tài liệu có giá trị lâu dài, ví dụ báo cáo tổng kết năm."),
    ("70 năm", 70, ""),  # no example verified
    ("50 năm", 50, "Ví dụ tập lưu văn bản đi (theo quy định trước năm 2023)."),
    (
        "20 năm",
        20,
        "Ví dụ hồ sơ xây dựng, ban hành Điều lệ, Quy chế làm việc; sổ đăng ký văn bản đi, đến.",
    ),
    ("10 năm", 10, ""),  # no example verified
    ("5 năm", 5, "Ví dụ báo cáo tháng, quý."),
]

TT09_2011 = "Thông tư 09/2011/TT-BNV"
TT10_2022 = "Thông tư 10/2022/TT-BNV"
TT09_FROM = date(2011, 7, 18)  # UNVERIFIED
TT10_FROM = date(2023, 2, 1)  # UNVERIFIED

RULES = [
    # (code, kind of file, period, legal basis, valid from, valid until)
    (
        "quy-che-lam-viec",
        "Hồ sơ xây dựng, ban hành Điều lệ, Quy chế làm việc",
        "Vĩnh viễn",
        TT09_2011,
        TT09_FROM,
        TT10_FROM,
    ),
    (
        "quy-che-lam-viec",
        "Hồ sơ xây dựng, ban hành Điều lệ, Quy chế làm việc",
        "20 năm",  # seen quoted from the circular (secondary source)
        TT10_2022,
        TT10_FROM,
        None,
    ),
    ("bao-cao-tong-ket-nam", "Báo cáo tổng kết năm", "Vĩnh viễn", TT10_2022, TT10_FROM, None),
    ("bao-cao-thang-quy", "Báo cáo tháng, quý", "5 năm", TT10_2022, TT10_FROM, None),
    (
        "so-dang-ky-van-ban",
        "Sổ đăng ký văn bản đi, văn bản đến",
        "20 năm",
        TT10_2022,
        TT10_FROM,
        None,
    ),
    ("tap-luu-van-ban-di", "Tập lưu văn bản đi", "50 năm", TT09_2011, TT09_FROM, TT10_FROM),
]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    RetentionPeriod = apps.get_model("records", "RetentionPeriod")
    RetentionRule = apps.get_model("records", "RetentionRule")
    periods = {}
    for ordinal, (name, years, applies_to) in enumerate(PERIODS, start=1):
        periods[name], _created = RetentionPeriod.objects.update_or_create(
            name=name, defaults={"years": years, "applies_to": applies_to, "ordinal": ordinal}
        )
    for code, kind, period, basis, valid_from, valid_until in RULES:
        RetentionRule.objects.update_or_create(
            code=code,
            valid_from=valid_from,
            defaults={
                "name": kind,
                "period": periods[period],
                "legal_basis": basis,
                "valid_until": valid_until,
                "is_verified": False,
            },
        )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    RetentionPeriod = apps.get_model("records", "RetentionPeriod")
    RetentionRule = apps.get_model("records", "RetentionRule")
    for code, _kind, _period, _basis, valid_from, _until in RULES:
        RetentionRule.objects.filter(code=code, valid_from=valid_from).delete()
    RetentionPeriod.objects.filter(
        name__in=[name for name, _years, _applies in PERIODS], rules__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_work_files_and_catalogues")]

    operations = [migrations.RunPython(load, unload)]
