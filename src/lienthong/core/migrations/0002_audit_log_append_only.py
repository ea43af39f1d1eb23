"""Make the audit log append-only in the database itself: UPDATE and DELETE are refused."""

from django.db import migrations

from lienthong.core.db_guards import install_audit_guards, remove_audit_guards


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    install_audit_guards(schema_editor.connection)


def reverse(apps, schema_editor):  # type: ignore[no-untyped-def]
    remove_audit_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_log")]

    operations = [migrations.RunPython(forward, reverse)]
