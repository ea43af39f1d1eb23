from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.core import sealing
from lienthong.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database, every stored file and a manifest of their hashes into DEST."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = make_backup(options["dest"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up: {report.database}, {report.files} files, "
                f"{report.audit_events} audit events."
            )
        )
        self.stdout.write(
            "Not in the backup: LIENTHONG_SECRET_KEY and LIENTHONG_KEY_ENCRYPTION_KEY (fingerprint "
            f"{', '.join(sealing.fingerprints())}); a restore needs the key-encryption key to "
            "sign with the stored keys. Keep both with the installation's other secrets."
        )
