"""The portal's use cases: keeping the Wagtail editors' groups in step with our role model,
and publishing an issued document of direction on its agency's site."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Page, Site

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.catalogue.models import Procedure
from lienthong.core.audit import record_event
from lienthong.core.workdays import add_working_days
from lienthong.documents.models import Document
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from .constants import EDITORS_GROUP_PREFIX, FeedbackStatus
from .models import (
    AgencyHomePage,
    ConsultationComment,
    ConsultationPage,
    Feedback,
    PortalHomePage,
    PublishedDocument,
    SiteHome,
)
from .permissions import (
    FEEDBACK_ROLES,
    can_answer_feedback,
    can_publish_document,
    can_withdraw_publication,
)

# What an agency's editors may do on their site's pages (Wagtail's page permission types).
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def site_home_of(agency: Agency) -> SiteHome | None:
    home: SiteHome | None = AgencyHomePage.objects.filter(agency=agency).first()
    if home is None:
        home = PortalHomePage.objects.filter(agency=agency).first()
    return home


def editable_roots(home: SiteHome) -> list[Page]:
    """The pages an agency's editors get permissions on: an agency's home; for the provincial
    portal, each of its own sections (not its home, whose permissions would reach down into
    every agency's site)."""
    if isinstance(home, AgencyHomePage):
        return [home]
    return list(home.get_children().not_type(AgencyHomePage))


@transaction.atomic
def sync_editor_group(home: SiteHome) -> Group:
    """The Wagtail group of one site's editors: admin access and page permissions on what
    `editable_roots` gives, members = the agency's active users holding Role.PORTAL_EDITOR."""
    group, _created = Group.objects.get_or_create(name=f"{EDITORS_GROUP_PREFIX}{home.agency.code}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    wanted = {
        (page.pk, codename) for page in editable_roots(home) for codename in EDITOR_PAGE_PERMISSIONS
    }
    existing = {
        (p.page_id, p.permission.codename): p
        for p in GroupPagePermission.objects.filter(group=group).select_related("permission")
    }
    for key, row in existing.items():
        if key not in wanted:
            row.delete()
    for page_id, codename in wanted - set(existing):
        GroupPagePermission.objects.create(
            group=group,
            page_id=page_id,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    editors = User.objects.active().filter(agency=home.agency).with_role(Role.PORTAL_EDITOR)
    group.user_set.set(editors)
    return group


@transaction.atomic
def sync_user_groups(user: User) -> None:
    """A user's place among the editors, from their roles and agency as they are now: in the
    editors' group of their agency's site if they hold Role.PORTAL_EDITOR there, in no other.
    Called before every view of the Wagtail admin (admin_urls.py), so a role granted or taken
    away, or a move to another agency, counts at the next click."""
    home = site_home_of(user.agency) if user.agency_id and user.agency else None
    keep = ""
    if home is not None and user.is_active and user.has_role(Role.PORTAL_EDITOR):
        keep = f"{EDITORS_GROUP_PREFIX}{home.agency.code}"
    current = set(
        user.groups.filter(name__startswith=EDITORS_GROUP_PREFIX).values_list("name", flat=True)
    )
    if current == ({keep} if keep else set()):
        return
    user.groups.remove(*user.groups.filter(name__startswith=EDITORS_GROUP_PREFIX))
    if home is not None and keep:
        group = Group.objects.filter(name=keep).first() or sync_editor_group(home)
        user.groups.add(group)


@transaction.atomic
def ensure_agency_site(*, home: AgencyHomePage, hostname: str, port: int = 80) -> Site:
    """The Wagtail Site serving an agency's home on its own hostname (production)."""
    site, _created = Site.objects.update_or_create(
        root_page=home,
        defaults={"hostname": hostname, "port": port, "site_name": home.title},
    )
    return site


@transaction.atomic
def publish_document(*, actor: User, document: Document) -> PublishedDocument:
    """Mark an issued outgoing document "publish": it appears among the documents of direction
    on its agency's site (at once, or when the agency's site is made). Publishing again after a
    withdrawal puts it back."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if not can_publish_document(actor, document):
        raise PermissionDenied
    publication, created = PublishedDocument.objects.get_or_create(
        document=document, defaults={"published_by": actor}
    )
    if not created:
        if publication.withdrawn_at is None:
            raise ValidationError(_("The document is already published on the portal."))
        publication.withdrawn_at = None
        publication.published_at = timezone.now()
        publication.published_by = actor
        publication.save(update_fields=["withdrawn_at", "published_at", "published_by"])
    record_event(action="portal.document_published", actor=actor, obj=document)
    return publication


@transaction.atomic
def withdraw_document(*, actor: User, publication: PublishedDocument) -> PublishedDocument:
    publication = PublishedDocument.objects.select_for_update(of=("self",)).get(pk=publication.pk)
    if not can_withdraw_publication(actor, publication):
        raise PermissionDenied
    if publication.withdrawn_at is not None:
        raise ValidationError(_("The document is not published on the portal."))
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    record_event(action="portal.document_withdrawn", actor=actor, obj=publication.document)
    return publication


# Tracking codes: no 0/O, 1/I/L, so that a code read over the telephone is not misheard.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _new_code() -> str:
    while True:
        code = "PA-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        if not Feedback.objects.filter(code=code).exists():
            return code


@transaction.atomic
def submit_feedback(
    *,
    agency: Agency,
    topic: str,
    subject: str,
    content: str,
    name: str,
    address: str,
    phone: str = "",
    email: str = "",
    publish_consent: bool = False,
    procedure: Procedure | None = None,
) -> Feedback:
    """A citizen's feedback (phản ánh, kiến nghị) on the portal: it gets a tracking code and an
    answer date LIENTHONG_PORTAL_FEEDBACK_DAYS working days on, and the agency's specialists
    and leaders are told of it. The form validated the input; here the rules hold again."""
    if not (phone or email):
        raise ValidationError(_("Give a telephone number or an e-mail address to be answered."))
    if procedure is not None and procedure.agency_id != agency.pk:
        raise ValidationError(_("The procedure is not one of the agency's."))
    if not agency.is_active:
        raise ValidationError(_("Choose an agency."))
    feedback = Feedback.objects.create(
        code=_new_code(),
        agency=agency,
        procedure=procedure,
        topic=topic,
        subject=subject.strip(),
        content=content.strip(),
        name=name.strip(),
        address=address.strip(),
        phone=phone.strip(),
        email=email.strip(),
        publish_consent=publish_consent,
        due_on=add_working_days(timezone.localdate(), settings.LIENTHONG_PORTAL_FEEDBACK_DAYS),
    )
    record_event(action="portal.feedback_received", obj=feedback, data={"agency": agency.pk})
    handlers = (
        User.objects.active().filter(agency=agency, role_grants__role__in=FEEDBACK_ROLES).distinct()
    )
    notify(
        recipients=handlers,
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Citizen feedback %(code)s: %(subject)s")
        % {"code": feedback.code, "subject": feedback.subject},
        url=f"/cong/xu-ly-phan-anh/{feedback.pk}/",
    )
    return feedback


@transaction.atomic
def answer_feedback(*, actor: User, feedback: Feedback, answer: str) -> Feedback:
    """The agency's answer: recorded once, published on the portal (without the sender's
    personal data) if the sender agreed."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if not can_answer_feedback(actor, feedback):
        raise PermissionDenied
    if feedback.status == FeedbackStatus.ANSWERED:
        raise ValidationError(_("The feedback has already been answered."))
    answer = answer.strip()
    if len(answer) < 10:
        raise ValidationError(_("Write the answer (at least 10 characters)."))
    feedback.answer = answer
    feedback.answered_by = actor
    feedback.answered_at = timezone.now()
    feedback.status = FeedbackStatus.ANSWERED
    feedback.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    record_event(action="portal.feedback_answered", actor=actor, obj=feedback)
    return feedback


@transaction.atomic
def comment_on_draft(
    *, page: ConsultationPage, name: str, email: str, content: str, organisation: str = ""
) -> ConsultationComment:
    """A comment on a draft put out for consultation, while its comment period is open."""
    page = ConsultationPage.objects.select_for_update().get(pk=page.pk)
    if not page.live or not page.is_open():
        raise ValidationError(_("The comment period of this draft is closed."))
    comment = ConsultationComment.objects.create(
        page=page,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        content=content.strip(),
    )
    record_event(action="portal.draft_commented", obj=comment, data={"page": page.pk})
    return comment
