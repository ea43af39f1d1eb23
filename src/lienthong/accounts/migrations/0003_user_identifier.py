"""Citizens and businesses sign in with their personal identification number or enterprise
code: `User.identifier`, filled for the accounts that exist from what identifies them today
(the user name the sign-up page gave, or the ID number of the applicant profile)."""

import re

from django.db import migrations, models

import lienthong.accounts.validators

_IDENTIFIER = re.compile(r"^(\d{12}|\d{10}|\d{10}-\d{3})$")


def fill_identifiers(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ApplicantProfile = apps.get_model("onestop", "ApplicantProfile")
    taken = set()
    candidates = {}
    for profile in ApplicantProfile.objects.order_by("pk").values("user_id", "id_number"):
        candidates.setdefault(profile["user_id"], profile["id_number"].strip())
    users = User.objects.filter(agency=None, is_staff=False, is_superuser=False).order_by("pk")
    for user in users.only("pk", "username"):
        if _IDENTIFIER.match(user.username):  # signed up on the page: the name is the number
            candidates[user.pk] = user.username
    for pk in sorted(candidates):
        identifier = candidates[pk]
        if _IDENTIFIER.match(identifier) and identifier not in taken:
            taken.add(identifier)
            User.objects.filter(pk=pk).update(identifier=identifier)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_agency_issues_on_paper"),
        ("onestop", "0001_dossiers_steps_history_ratings"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="identifier",
            field=models.CharField(
                blank=True,
                help_text="Số định danh cá nhân (12 digits) or mã số doanh nghiệp (10, or 10-3) of a citizen's or business's account; empty for officials.",
                max_length=14,
                validators=[lienthong.accounts.validators.validate_applicant_identifier],
                verbose_name="personal identification number or enterprise code",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("identifier", ""), _negated=True),
                fields=("identifier",),
                name="user_identifier_unique",
            ),
        ),
        migrations.RunPython(fill_identifiers, migrations.RunPython.noop),
    ]
