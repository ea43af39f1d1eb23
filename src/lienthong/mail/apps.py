from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lienthong.core import periodic
from lienthong.core.events import subscribe


class MailConfig(AppConfig):
    name = "lienthong.mail"
    label = "mail"
    verbose_name = _("Official e-mail")

    def ready(self) -> None:
        from lienthong.documents.events import OutgoingIssued  # noqa: PLC0415

        from .sending import schedule_forgotten  # noqa: PLC0415
        from .subscribers import deliver_issued  # noqa: PLC0415
        from .tasks import enqueue_due_digests, enqueue_due_polls  # noqa: PLC0415

        subscribe(OutgoingIssued, deliver_issued)
        periodic.register("mail.poll_mailboxes", enqueue_due_polls)
        periodic.register("mail.schedule_forgotten_deliveries", schedule_forgotten)
        periodic.register("mail.daily_digests", enqueue_due_digests)
