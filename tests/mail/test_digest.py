"""The daily digest: one mail a day through the real SMTP server with the day's notifications
(and, for a clerk, the mail waiting), sent once by the periodic job; per-event mail stops while
it is on and comes back on opt-out, from the settings page or the link in the mail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from lienthong.mail import digest, services
from lienthong.mail.models import DigestSubscription, IncomingMail, Mailbox, MailStatus
from lienthong.mail.tasks import enqueue_due_digests
from lienthong.notifications import services as notifications
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.models import Notification, NotificationPreference
from tests.mail import corpus
from tests.notifications.conftest import smtp_server  # noqa: F401


@pytest.fixture
def clerk_with_mail(clerk):
    clerk.email = "vanthu@stttt.camau.gov.vn"
    clerk.save()
    return clerk


_TODAY: list[date] = []


def _at(hour: int, *, days: int = 0) -> datetime:
    """Today (by the suite's clock, read once so that moving it keeps the day) at hour:05."""
    if not _TODAY:
        _TODAY.append(timezone.localdate())
    return timezone.make_aware(datetime.combine(_TODAY[0] + timedelta(days=days), time(hour, 5)))


def test_one_digest_a_day_through_smtp_instead_of_one_mail_per_event(
    client,
    agency,
    clerk_with_mail,
    smtp_server,  # noqa: F811
    run_tasks,
    settings,
    time_machine,
) -> None:
    settings.LIENTHONG_MAIL_DIGEST_HOUR = 17
    time_machine.move_to(_at(9))
    clerk = clerk_with_mail
    client.force_login(clerk)
    assert client.post(reverse("mail:digest"), {"enabled": "on"}).status_code == 302
    subscription = DigestSubscription.objects.get(user=clerk)
    assert NotificationKind.NEW_ASSIGNMENT in subscription.kinds
    assert NotificationKind.DUE_SOON not in subscription.kinds  # off by default: stays out
    # per-event mail of the digest's kinds is off now
    assert not NotificationPreference.objects.email_choices(clerk)[NotificationKind.NEW_ASSIGNMENT]
    notifications.notify(
        recipients=[clerk],
        kind=NotificationKind.NEW_ASSIGNMENT,
        title="Xử lý công văn 05/STP-HCTP",
        url="/van-ban/1/",
    )
    notifications.notify(recipients=[clerk], kind=NotificationKind.DUE_SOON, title="Sắp hạn")
    mailbox = Mailbox.objects.create(
        agency=clerk.agency, address="vanthu@stttt.camau.gov.vn", host="h", username="u"
    )
    services.take_message(mailbox=mailbox, raw=corpus.letter_with_pdf_and_docx().as_bytes())
    run_tasks()
    assert smtp_server.messages == []  # no mail per event
    assert enqueue_due_digests() == 0  # before the digest hour

    time_machine.move_to(_at(17))
    assert enqueue_due_digests() == 1
    assert enqueue_due_digests() == 0  # queued once
    run_tasks()
    [mail] = smtp_server.messages
    assert mail.to == ["vanthu@stttt.camau.gov.vn"] and _at(17).strftime("%d/%m/%Y") in mail.subject
    assert "Xử lý công văn 05/STP-HCTP" in mail.body
    assert "https://lienthong.camau.gov.vn/van-ban/1/" in mail.body
    assert "Sắp hạn" not in mail.body  # not a kind the clerk had by e-mail
    assert "1 mail waits for registration" in mail.body or "1 thư chờ vào sổ" in mail.body
    opt_out = mail["List-Unsubscribe"].strip().strip("<>")
    assert (
        opt_out in mail.body
        and mail["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    )
    # run again the same day: nothing more
    assert digest.send(subscription.pk, _at(17).date()) == "already sent"

    # the next day with nothing new (the mail dealt with): no mail
    IncomingMail.objects.update(status=MailStatus.DISMISSED)
    time_machine.move_to(_at(17, days=1))
    assert enqueue_due_digests() == 1
    run_tasks()
    assert len(smtp_server.messages) == 1

    # the link in the mail stops it, signed-out, without CSRF (RFC 8058 one-click POST)
    client.logout()
    path = opt_out.removeprefix("https://lienthong.camau.gov.vn")
    page = client.get(path)
    assert page.status_code == 200 and DigestSubscription.objects.get(user=clerk).enabled
    client.handler.enforce_csrf_checks = True
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not DigestSubscription.objects.get(user=clerk).enabled
    assert NotificationPreference.objects.email_choices(clerk)[NotificationKind.NEW_ASSIGNMENT]
    assert list(
        AuditEvent.objects.filter(action__startswith="mail.digest")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["mail.digest_on", "mail.digest_off"]
    assert client.get(path[:-3] + "xyz/").status_code == 404  # a forged token
    assert Notification.objects.filter(recipient=clerk).count() == 2


def test_only_an_official_with_an_address_may_have_a_digest(agency, user_factory) -> None:
    nobody = user_factory(agency, [Role.SPECIALIST])
    nobody.email = ""
    nobody.save()
    with pytest.raises(PermissionDenied):
        digest.subscribe(actor=nobody)
    assert not DigestSubscription.objects.exists()
