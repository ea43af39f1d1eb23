from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lienthong.core.anchoring import verify_against_anchors


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log and check it against its anchors outside the "
        "database (LIENTHONG_AUDIT_ANCHOR_DIR); exits with an error at the first break, or when "
        "the database ends before the newest anchor. Reports the unanchored tail."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_against_anchors()
        details = "\n".join(report.lines(timezone.now()))
        if not report.ok:
            raise CommandError(
                f"Audit chain broken after {report.checked} entries: {report.problem}\n{details}"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries."))
        self.stdout.write(details)
