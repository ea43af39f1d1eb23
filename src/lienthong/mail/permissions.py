"""Who may do what with official e-mail: the one chokepoint views and services share."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.drafting import permissions as drafting
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft

from .models import EmailRecipient, IncomingMail, IntakeRule, Mailbox


def _clerk(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.agency_id and user.has_role(Role.CLERK)
    )


def can_use_mail(user: Any) -> bool:
    """The clerk's list of mail received (and the menu link)."""
    return _clerk(user) or can_manage_mailboxes(user)


def can_handle_mail(user: Any, mail: IncomingMail) -> bool:
    """Register or dismiss a mail: the clerk of the agency that received it."""
    return _clerk(user) and user.agency_id == mail.agency_id


def can_view_mail(user: Any, mail: IncomingMail) -> bool:
    return can_handle_mail(user, mail)


def access_mail(user: Any, pk: Any) -> IncomingMail:
    """The mail, or 404 for anyone but its agency's clerk."""
    mail = IncomingMail.objects.filter(pk=pk).select_related("mailbox", "document").first()
    if mail is None or not can_view_mail(user, mail):
        raise Http404(_("Not found."))
    return mail


def can_manage_mailboxes(user: Any) -> bool:
    """The agency administrator configures the agency's mailboxes and rules."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.has_role(Role.AGENCY_ADMIN)
    )


def can_manage_mailbox(user: Any, mailbox: Mailbox) -> bool:
    return can_manage_mailboxes(user) and user.agency_id == mailbox.agency_id


def access_mailbox(user: Any, pk: Any) -> Mailbox:
    """The mailbox, or 404 for anyone but its agency's administrator."""
    mailbox = Mailbox.objects.filter(pk=pk).first()
    if mailbox is None or not can_manage_mailbox(user, mailbox):
        raise Http404(_("Not found."))
    return mailbox


def access_rule(user: Any, pk: Any) -> IntakeRule:
    """The intake rule, or 404 for anyone but its agency's administrator."""
    rule = IntakeRule.objects.filter(pk=pk).first()
    if rule is None or not (can_manage_mailboxes(user) and user.agency_id == rule.agency_id):
        raise Http404(_("Not found."))
    return rule


def can_edit_recipients(user: Any, draft: Draft) -> bool:
    """E-mail recipients are chosen by the drafter while drafting, or by the clerk before
    issuing (the reply goes out by e-mail)."""
    if draft.state == DraftState.ISSUED or draft.state == DraftState.WITHDRAWN:
        return False
    return drafting.can_edit(user, draft) or drafting.can_issue(user, draft)


def access_recipient(user: Any, pk: Any) -> EmailRecipient:
    """An e-mail recipient of a draft, or 404 for anyone who does not see the draft (whether they
    may still change its recipients is `can_edit_recipients`, checked by the service)."""
    recipient = EmailRecipient.objects.filter(pk=pk).select_related("draft").first()
    if recipient is None:
        raise Http404(_("Not found."))
    drafting.access_draft(user, recipient.draft_id)
    return recipient


def can_see_directory(user: Any) -> bool:
    """The directory of official addresses is the officials': not the applicants', not the
    public's."""
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def can_see_phone(user: Any, person: Any) -> bool:
    """An official's own telephone number is shown to their agency's officials (and the system
    administrator); the other agencies see the agency's switchboard number."""
    if not can_see_directory(user):
        return False
    return bool(user.agency_id == person.agency_id or user.has_role(Role.SYSTEM_ADMIN))
