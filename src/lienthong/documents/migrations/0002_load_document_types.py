"""The 29 administrative document types of Decree 30/2020 (Phụ lục III) and the three copy
kinds, as data an administrator can edit afterwards."""

from django.db import migrations

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


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    DocumentType = apps.get_model("documents", "DocumentType")
    for ordinal, (name, abbreviation) in enumerate(TYPES, start=1):
        DocumentType.objects.update_or_create(
            name=name, defaults={"abbreviation": abbreviation, "ordinal": ordinal}
        )
    for ordinal, (name, abbreviation) in enumerate(COPIES, start=101):
        DocumentType.objects.update_or_create(
            name=name,
            defaults={"abbreviation": abbreviation, "ordinal": ordinal, "is_copy_kind": True},
        )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.filter(name__in=[n for n, _ in TYPES + COPIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents_registers_attachments")]

    operations = [migrations.RunPython(load, unload)]
