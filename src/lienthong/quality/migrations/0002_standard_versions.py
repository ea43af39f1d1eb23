"""ISO 9001:2008 and TCVN ISO 9001:2015, their clauses and management-review inputs, as data."""

from typing import Any

from django.db import migrations

from lienthong.quality.constants import VERSIONS


def load(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("quality", "StandardVersion")
    clause_model = apps.get_model("quality", "Clause")
    input_model = apps.get_model("quality", "ReviewInput")
    for data in VERSIONS:
        version, _created = version_model.objects.update_or_create(
            code=data["code"],
            defaults={
                key: data[key]
                for key in ("title", "legal_basis", "preventive_action", "review_clause")
            },
        )
        for number, title in data["clauses"]:  # type: ignore[attr-defined]
            clause_model.objects.update_or_create(
                version=version, number=number, defaults={"title": title}
            )
        for code, title, source in data["inputs"]:  # type: ignore[attr-defined]
            input_model.objects.update_or_create(
                version=version, code=code, defaults={"title": title, "source": source}
            )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("quality", "StandardVersion").objects.filter(
        code__in=[data["code"] for data in VERSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_quality_system_audits_reviews")]

    operations = [migrations.RunPython(load, unload)]
