from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lienthong.core import sealing
from lienthong.signatures.services import reseal_stored_keys


class Command(BaseCommand):
    help = (
        "Re-seal every stored signing key (PKCS#12) under the first key of "
        "LIENTHONG_KEY_ENCRYPTION_KEY, opening each with any of the keys listed: rotation puts "
        "the new key first and the old one after it, runs this, then drops the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = reseal_stored_keys(actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-sealed {count} stored signing key(s) under the key-encryption key "
                f"{sealing.fingerprints()[0]}. Keys other than the first may now be removed "
                "from LIENTHONG_KEY_ENCRYPTION_KEY."
            )
        )
