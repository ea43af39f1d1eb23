from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lienthong.core import sealing
from lienthong.mail.services import reseal_mailbox_secrets


class Command(BaseCommand):
    help = (
        "Re-seal every stored mailbox password under the first key of "
        "LIENTHONG_KEY_ENCRYPTION_KEY, opening each with any of the keys listed (key rotation, "
        "as reseal_signing_keys)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = reseal_mailbox_secrets()
        except sealing.SealBroken as exc:
            raise CommandError(
                "A mailbox password is sealed under none of the configured keys; nothing was "
                "changed. Put the old key back in LIENTHONG_KEY_ENCRYPTION_KEY and run again."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-sealed {count} mailbox password(s) under the key-encryption key "
                f"{sealing.fingerprints()[0]}."
            )
        )
