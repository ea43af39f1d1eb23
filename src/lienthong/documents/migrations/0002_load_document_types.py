"""The 29 administrative document types of Decree 30/2020 (Phụ lục III) and the three copy
kinds, as data an administrator can edit afterwards."""

from django.db import migrations

from lienthong.documents.doctypes import COPIES, TYPES, ensure_document_types


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    ensure_document_types(apps.get_model("documents", "DocumentType"))


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.filter(name__in=[n for n, _ in TYPES + COPIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents_registers_attachments")]

    operations = [migrations.RunPython(load, unload)]
