"""Mailbox passwords were stored in clear. Seal them under the key-encryption key
(core.sealing, as the signing keys are) into `sealed_secret`, then drop the clear column. The
reverse unseals them back (run it with the key that sealed them)."""

from typing import Any

from django.db import migrations, models

from lienthong.core import sealing


def seal_passwords(apps: Any, schema_editor: Any) -> None:
    mailboxes = apps.get_model("mail", "Mailbox")
    for mailbox in mailboxes.objects.exclude(secret="").only("pk", "secret"):
        mailboxes.objects.filter(pk=mailbox.pk).update(
            sealed_secret=sealing.seal(mailbox.secret.encode())
        )


def unseal_passwords(apps: Any, schema_editor: Any) -> None:
    mailboxes = apps.get_model("mail", "Mailbox")
    for mailbox in mailboxes.objects.exclude(sealed_secret=b"").only("pk", "sealed_secret"):
        plain = sealing.unseal(bytes(mailbox.sealed_secret)).decode()
        mailboxes.objects.filter(pk=mailbox.pk).update(secret=plain)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_mailboxes_mail_received_and_email_recipients"),
    ]

    operations = [
        migrations.AddField(
            model_name="mailbox",
            name="sealed_secret",
            field=models.BinaryField(
                default=b"",
                editable=False,
                help_text="The mailbox's password, sealed under the key-encryption key.",
                verbose_name="sealed password",
            ),
        ),
        migrations.AlterField(
            model_name="mailbox",
            name="secret",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="password"),
        ),
        migrations.RunPython(seal_passwords, unseal_passwords),
        migrations.RemoveField(model_name="mailbox", name="secret"),
    ]
