from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lienthong.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits with an error at the first break."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken after {report.checked} entries: {report.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries."))
