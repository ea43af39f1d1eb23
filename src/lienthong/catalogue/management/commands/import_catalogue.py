"""`lienthong import_catalogue FILE`: import procedures from a spreadsheet, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lienthong.accounts.models import User
from lienthong.catalogue.spreadsheet import ImportFailed, import_catalogue, template_workbook


class Command(BaseCommand):
    help = (
        "Import administrative procedures from an XLSX file (format: docs/catalogue-import.md). "
        "Every row is checked first; one error and nothing is written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The XLSX file to import (or to write, with --template).")
        parser.add_argument(
            "--as-user",
            dest="username",
            help="Import as this administrator (their permissions apply); default: the platform.",
        )
        parser.add_argument(
            "--template",
            action="store_true",
            help="Write the template, with one example procedure, to FILE instead of importing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["template"]:
            path.write_bytes(template_workbook())
            self.stdout.write(self.style.SUCCESS(f"Template written to {path}."))
            return
        actor = None
        if options["username"]:
            actor = User.objects.filter(username__iexact=options["username"]).first()
            if actor is None:
                raise CommandError(f"No user {options['username']!r}.")
        try:
            with path.open("rb") as upload:
                result = import_catalogue(actor=actor, upload=upload, file_name=path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(failed.errors)} error(s): nothing was imported.") from failed
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.created} procedure(s) created, {result.updated} updated, "
                f"{result.components} component(s), {result.steps} step(s)."
            )
        )
