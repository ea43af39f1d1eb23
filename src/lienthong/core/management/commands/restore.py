from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `lienthong backup` onto an empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path)
        parser.add_argument(
            "--without-key-encryption-key",
            action="store_true",
            help="restore although the backup's key-encryption key is lost: stored signing keys "
            "will not open (certificates must be registered again)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(
                options["src"], check_keys=not options["without_key_encryption_key"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored: {report.database}, {report.files} files, "
                f"{report.audit_events} audit events."
            )
        )
