"""The modules of the national IT-skills standard (Circular 03/2014/TT-BTTTT) and of this
installation, as data."""

from typing import Any

from django.db import migrations

from lienthong.training.constants import SKILL_MODULES, STANDARD_2014


def load(apps: Any, schema_editor: Any) -> None:
    module = apps.get_model("training", "SkillModule")
    for code, name, level in SKILL_MODULES:
        module.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": str(level),
                "standard": STANDARD_2014 if code.startswith("IU") else "",
            },
        )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("training", "SkillModule").objects.filter(
        code__in=[code for code, _name, _level in SKILL_MODULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_classes_enrolments_certificates")]

    operations = [migrations.RunPython(load, unload)]
