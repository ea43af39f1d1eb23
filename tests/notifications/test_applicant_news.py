"""Applicants are told of each status change of their dossier (and of each message an official
sends them) through the notification channels, e-mail today, sent by the task queue through a
real SMTP server; SMS and Zalo plug into the same `Channel` interface."""

from __future__ import annotations

from typing import Any

import pytest

from lienthong.notifications import channels
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.models import Notification, OutboundMessage
from lienthong.notifications.services import set_email_preferences
from lienthong.onestop import services
from lienthong.onestop.services import Applicant
from tests.onestop.conftest import CITIZEN, clock, filed_online, world  # noqa: F401

pytestmark = pytest.mark.django_db

INTERNAL = "Đề nghị Giám đốc cấp phép (nội bộ)"
REASON = "Doanh nghiệp chưa đăng ký ngành nghề bưu chính"


def _to(server: Any, address: str) -> list[Any]:
    """The mails to one address (the officials are told too, by their own notifications)."""
    return [m for m in server.messages if m.to == [address]]


def _stopped(w: Any) -> Any:
    dossier = services.submit_dossier(actor=w.citizen, dossier=filed_online(w))  # 1
    services.receive_dossier(actor=w.counter, dossier=dossier)  # 2
    step = dossier.steps.get(order=2)
    services.assign_handler(actor=w.bc_leader, step=step, handler=w.bc_handler)  # 4
    services.propose(actor=w.bc_handler, step=step, text=INTERNAL)
    services.add_note(actor=w.bc_handler, dossier=dossier, text=INTERNAL + " 2")
    services.refuse_dossier(actor=w.bc_leader, dossier=dossier, reason=REASON)  # 8
    return dossier


def test_the_applicant_gets_an_email_at_each_status_change(
    world: Any,  # noqa: F811
    smtp_server: Any,
    run_tasks: Any,
) -> None:
    dossier = _stopped(world)
    run_tasks()
    mails = _to(smtp_server, CITIZEN.email)
    assert [m.subject for m in mails] == [
        f"Hồ sơ {dossier.code}: Mới đăng ký",
        f"Hồ sơ {dossier.code}: Được tiếp nhận",
        f"Hồ sơ {dossier.code}: Đang xử lý",
        f"Hồ sơ {dossier.code}: Dừng xử lý",
    ]
    assert REASON in mails[-1].body and world.dept.name in mails[-1].body
    assert all(INTERNAL not in m.body for m in mails)
    assert "https://lienthong.camau.gov.vn/cong-dan/ho-so/" in mails[0].body
    # Sent once: the jobs run again send nothing more; each message records its Message-ID.
    run_tasks()
    assert len(_to(smtp_server, CITIZEN.email)) == 4
    assert not OutboundMessage.objects.filter(sent_at__isnull=True).exists()
    assert OutboundMessage.objects.filter(topic=dossier.code).count() == 4
    # In the platform too (the bell), without a second e-mail by the notification's own path.
    told = Notification.objects.filter(recipient=world.citizen, kind="dossier_update")
    assert told.count() == 3  # not of their own submission
    assert not told.filter(email_sent_at__isnull=False).exists()


def test_a_counter_applicant_without_account_is_told_at_the_dossiers_address(
    world: Any,  # noqa: F811
    smtp_server: Any,
    run_tasks: Any,
) -> None:
    dossier = services.file_dossier(
        actor=world.counter,
        procedure=world.procedure,
        idempotency_key=None,
        applicant=Applicant(
            kind="business",
            name="Công ty TNHH Mũi Cà Mau",
            id_number="2001234567",
            phone="02903812345",
            email="lienhe@muicamau.vn",
        ),
        papers=[],
    )
    services.refuse_dossier(actor=world.counter, dossier=dossier, reason=REASON)
    run_tasks()
    mails = _to(smtp_server, "lienhe@muicamau.vn")
    assert [m.subject for m in mails] == [
        f"Hồ sơ {dossier.code}: Mới đăng ký",
        f"Hồ sơ {dossier.code}: Không được tiếp nhận",
    ]
    assert REASON in mails[1].body
    assert "/cong-dan/tra-cuu/" in mails[1].body


def test_an_applicant_who_turned_the_emails_off_gets_none(
    world: Any,  # noqa: F811
    smtp_server: Any,
    run_tasks: Any,
) -> None:
    set_email_preferences(user=world.citizen, choices={NotificationKind.DOSSIER_UPDATE: False})
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    services.receive_dossier(actor=world.counter, dossier=dossier)
    run_tasks()
    assert smtp_server.messages  # the officials are told
    assert _to(smtp_server, CITIZEN.email) == []
    assert Notification.objects.filter(recipient=world.citizen).count() == 1


class RecordingSms:
    """A channel as an SMS gateway would plug in: it reaches the applicant's telephone."""

    name = "sms"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def address(self, contact: channels.Contact) -> str:
        return contact.phone

    def send(self, message: OutboundMessage) -> str:
        self.sent.append((message.address, message.subject))
        return f"sms-{message.pk}"


def test_another_channel_plugs_into_the_same_interface(
    world: Any,  # noqa: F811
    smtp_server: Any,
    run_tasks: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sms = RecordingSms()
    monkeypatch.setitem(channels._REGISTRY, "sms", sms)
    settings.LIENTHONG_APPLICANT_CHANNELS = ["email", "sms"]
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    run_tasks()
    subject = f"Hồ sơ {dossier.code}: Mới đăng ký"
    assert sms.sent == [(CITIZEN.phone, subject)]
    assert [m.subject for m in _to(smtp_server, CITIZEN.email)] == [subject]
    assert OutboundMessage.objects.get(channel="sms").external_id.startswith("sms-")
