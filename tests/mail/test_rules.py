"""The agency administrator's intake rules: which mailbox's mail goes to the register, by
sender (allow/deny), subject and attachment type; validated, audited, scoped to the agency."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from lienthong.mail import services
from lienthong.mail.models import IntakeRule, Mailbox, RuleAction
from tests.mail import corpus


def _mailbox(agency, address: str) -> Mailbox:
    return Mailbox.objects.create(
        agency=agency, address=address, host="127.0.0.1", port=1, username="x", active=False
    )


def test_the_administrator_sets_rules_that_decide_per_mailbox(client, agency, user_factory) -> None:
    admin = user_factory(agency, [Role.AGENCY_ADMIN])
    office = _mailbox(agency, "vanthu@stttt.camau.gov.vn")
    press = _mailbox(agency, "baochi@stttt.camau.gov.vn")
    client.force_login(admin)
    # the press mailbox takes nothing from outside the province: deny others, allow camau
    for body in (
        {
            "position": "1",
            "mailbox": press.pk,
            "sender_pattern": "*.CAMAU.gov.vn",
            "attachment_types": ".PDF, docx",
            "action": "accept",
        },
        {"position": "2", "mailbox": press.pk, "action": "ignore"},
    ):
        assert client.post(reverse("mail:rules"), body).status_code == 302
    first = IntakeRule.objects.get(position=1)
    assert (first.sender_pattern, first.attachment_types) == ("*.camau.gov.vn", "pdf,docx")
    page = client.get(reverse("mail:rules")).content.decode()
    assert "baochi@stttt.camau.gov.vn" in page and "*.camau.gov.vn" in page

    province = corpus.letter_with_pdf_and_docx()  # from vanthu@stp.camau.gov.vn, PDF + DOCX
    outsider = corpus.message("Quảng cáo", sender="Shop <ban@shop.example>")
    assert services.take_message(mailbox=press, raw=outsider.as_bytes()) == "ignored"
    assert not isinstance(services.take_message(mailbox=press, raw=province.as_bytes()), str)
    # the press mailbox's rules do not apply to the office mailbox, which has none: all taken
    other = corpus.message("Thư mời họp", sender="Shop <ban@shop.example>")
    assert not isinstance(services.take_message(mailbox=office, raw=other.as_bytes()), str)

    actions = list(
        AuditEvent.objects.filter(action__startswith="mail.rule_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["mail.rule_added", "mail.rule_added"]
    client.post(reverse("mail:rule-edit", args=[first.pk]), {"position": "5", "action": "ignore"})
    first.refresh_from_db()
    assert (first.position, first.action, first.mailbox_id) == (5, RuleAction.IGNORE, None)
    client.post(reverse("mail:rule-delete", args=[first.pk]))
    assert not IntakeRule.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(action="mail.rule_changed").count() == 1
    assert AuditEvent.objects.filter(action="mail.rule_deleted").count() == 1


def test_bad_rules_are_refused_with_reasons_and_nothing_kept(
    client, agency, agency_factory, user_factory
) -> None:
    admin = user_factory(agency, [Role.AGENCY_ADMIN])
    theirs = _mailbox(agency_factory(), "vanthu@stp.camau.gov.vn")
    client.force_login(admin)
    response = client.post(
        reverse("mail:rules"),
        {
            "position": "0",
            "sender_pattern": "a b@c",
            "attachment_types": "pdf,exe",
            "action": "accept",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"position", "sender_pattern", "attachment_types"}
    assert "exe" in errors["attachment_types"][0]
    # another agency's mailbox is not a choice (the form), nor accepted by the service
    response = client.post(
        reverse("mail:rules"), {"position": "1", "mailbox": theirs.pk, "action": "accept"}
    )
    assert "mailbox" in response.context["form"].errors
    rule = IntakeRule(agency=agency, mailbox=theirs, position=1)
    with pytest.raises(ValidationError) as caught:
        services.save_rule(actor=admin, rule=rule)
    assert "mailbox" in caught.value.message_dict
    assert not IntakeRule.objects.exists()
    # only the agency administrator, only their agency
    clerk = user_factory(agency, [Role.CLERK])
    with pytest.raises(PermissionDenied):
        services.save_rule(actor=clerk, rule=IntakeRule(agency=agency, position=1))
    client.force_login(clerk)
    assert client.get(reverse("mail:rules")).status_code == 404
