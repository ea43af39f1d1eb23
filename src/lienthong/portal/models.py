"""The provincial e-portal's pages (Wagtail): the portal's home, an agency site's home per
department or district, standard pages, news with categories and images, announcements; and the
platform's own records the portal shows (documents of direction marked for publication).

The tree: Root → the provincial portal's home → (its own sections, and) one agency home per
department/district that has a site. Each agency home is also the root of a Wagtail `Site` with
the agency's own hostname (docs/portal.md), so the same page is served on both."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from lienthong.accounts.models import Agency
from lienthong.catalogue.models import Procedure
from lienthong.documents.models import Document
from lienthong.documents.search import fold
from lienthong.meetings.selectors import published_schedule

from .constants import FeedbackStatus, FeedbackTopic, InformationItem

_TAG = re.compile(r"<[^>]+>")


# The slug of a site's English section (its pages render in English).
ENGLISH_SECTION = "en"


class PortalPage(Page):  # type: ignore[misc]  # Wagtail ships no type information
    """Abstract base of every portal page: the agency whose site it belongs to, found by walking
    up to the nearest agency home (or the portal's home)."""

    class Meta:
        abstract = True

    # Every page also indexes its text folded (no tone marks, đ → d) in Wagtail's search
    # backend; the portal's search folds the query the same way (portal/search.py), so
    # "cong nghe thong tin" finds "công nghệ thông tin" on SQLite and PostgreSQL alike.
    search_fields = [*Page.search_fields, index.SearchField("folded_text")]

    def folded_text(self) -> str:
        parts = []
        for field in self.search_fields:
            name = field.field_name
            if name == "folded_text" or not isinstance(field, index.SearchField):
                continue
            value = getattr(self, name, "")
            parts.append(_TAG.sub(" ", str(value() if callable(value) else value or "")))
        return fold(" ".join(parts))

    def site_home(self) -> PortalHomePage | AgencyHomePage | None:
        for ancestor in reversed(list(self.get_ancestors(inclusive=True).specific())):
            if isinstance(ancestor, AgencyHomePage | PortalHomePage):
                return ancestor
        return None

    def content_language(self) -> str | None:
        """ "en" for the pages of a site's English section (the child of a site's home whose
        slug is `en`): their header, menus and labels speak English whatever the visitor's
        language cookie says; None elsewhere (the visitor's language)."""
        ancestors = list(self.get_ancestors(inclusive=True).specific())
        for parent, page in itertools.pairwise(ancestors):
            home = isinstance(parent, AgencyHomePage | PortalHomePage)
            if home and page.slug == ENGLISH_SECTION:
                return "en"
        return None

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["site_home"] = self.site_home()
        context["page_language"] = self.content_language()
        return context


class SiteHome(PortalPage):
    """What the two kinds of home share: the header (banner, contact) and the agency."""

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agency whose site this is: its name, contact and organisation chart."),
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = RichTextField(_("introduction"), blank=True)
    hotline = models.CharField(_("hotline"), max_length=50, blank=True)

    content_panels = [*Page.content_panels, "agency", "banner", "intro", "hotline"]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    def own(self, pages: Any) -> Any:
        """The pages of this site, not of the agency sites below it."""
        pages = pages.descendant_of(self)
        for below in AgencyHomePage.objects.descendant_of(self):
            pages = pages.not_descendant_of(below, inclusive=True)
        return pages

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        news = self.own(NewsPage.objects.live()).select_related("image", "category")
        context["featured"] = news.filter(featured=True).order_by("-date")[:3]
        context["news"] = news.order_by("-date")[:6]
        context["announcements"] = self.own(AnnouncementPage.objects.live()).order_by("-date")[:5]
        context["directions"] = PublishedDocument.objects.on_site(self.agency).select_related(
            "document"
        )[:5]
        context["sections"] = self.get_children().live().in_menu()
        return context


class PortalHomePage(SiteHome):
    """The provincial e-portal's home (Cổng thông tin điện tử tỉnh): the People's Committee's
    site, with the agencies' sites below it."""

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("provincial portal home")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["agency_sites"] = AgencyHomePage.objects.live().child_of(self).specific()
        return context


class AgencyHomePage(SiteHome):
    """A department's or district's site (trang thông tin điện tử thành phần)."""

    parent_page_types = ["portal.PortalHomePage"]

    class Meta:
        verbose_name = _("agency site home")


class StandardPage(PortalPage):
    """A page of text: introduction, functions and duties, plans, budget disclosure,
    recruitment... The information item says which item of Decree 42/2022 it carries."""

    information_item = models.CharField(
        _("information item (Decree 42/2022)"),
        max_length=40,
        choices=InformationItem.choices,
        blank=True,
    )
    body = RichTextField(_("body"), blank=True)
    show_org_chart = models.BooleanField(
        _("show the organisation chart"),
        default=False,
        help_text=_("Drawn from the agency's units and subordinate agencies in the platform."),
    )

    content_panels = [*Page.content_panels, "information_item", "body", "show_org_chart"]
    search_fields = [*PortalPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


@register_snippet
class NewsCategory(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)

    panels = ["name", "slug"]

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NewsIndexPage(PortalPage):
    """Tin tức: the list of a site's news, newest first, filtered by category."""

    subpage_types = ["portal.NewsPage", "portal.AnnouncementPage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.live().child_of(self).select_related("image", "category")
        category = request.GET.get("chuyen-muc", "")
        if category:
            items = items.filter(category__slug=category)
        context["items"] = items.order_by("-date")[:50]
        context["categories"] = NewsCategory.objects.all()
        context["category"] = category
        context["announcements"] = (
            AnnouncementPage.objects.live().child_of(self).order_by("-date")[:20]
        )
        return context


class NewsPage(PortalPage):
    date = models.DateField(_("date"), default=timezone.localdate)
    category = models.ForeignKey(
        NewsCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured = models.BooleanField(_("featured"), default=False)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = RichTextField(_("body"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        "date",
        "category",
        "image",
        "featured",
        "summary",
        "body",
        "source",
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = _("news article")


class AnnouncementPage(PortalPage):
    """Thông báo: a notice with the date it stops mattering."""

    date = models.DateField(_("date"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    body = RichTextField(_("body"))

    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types: list[str] = []
    content_panels = [*Page.content_panels, "date", "valid_until", "body"]
    search_fields = [*PortalPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("announcement")


class DirectionIndexPage(PortalPage):
    """Văn bản chỉ đạo điều hành: the documents the site's agency marked for publication."""

    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("documents of direction")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        home = context["site_home"]
        context["items"] = (
            PublishedDocument.objects.on_site(home.agency).select_related("document")[:100]
            if home is not None
            else PublishedDocument.objects.none()
        )
        return context


class PublishedDocumentQuerySet(models.QuerySet["PublishedDocument"]):
    def live(self) -> PublishedDocumentQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def on_site(self, agency: Agency) -> PublishedDocumentQuerySet:
        return self.live().filter(document__agency=agency).order_by("-published_at")


class PublishedDocument(index.Indexed, models.Model):  # type: ignore[misc]  # untyped Wagtail
    """An issued outgoing document a clerk marked "publish": it appears on its agency's site
    with its number, date, signer, subject and signed PDF."""

    document = models.OneToOneField(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="portal_publication",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = PublishedDocumentQuerySet.as_manager()

    # In Wagtail's search index with the pages (portal/search.py): the subject and number,
    # as written and folded.
    search_fields = [
        index.SearchField("search_text"),
        index.FilterField("withdrawn_at"),
    ]

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")

    def __str__(self) -> str:
        return str(self.document)

    def search_text(self) -> str:
        doc = self.document
        text = f"{doc.number_and_symbol} {doc.subject} {doc.signer_name}"
        return f"{text} {fold(text)}"

    def signed_pdf(self) -> Any:
        """The document's text as issued: the current version of its first PDF attachment."""
        for attachment in self.document.attachments.prefetch_related("versions__blob"):
            version = attachment.current
            if version is not None and version.blob.content_type == "application/pdf":
                return version
        return None


class SchedulePage(PortalPage):
    """Lịch công tác: the leaders' weekly work schedule of the site's agency, as its schedule
    officer published it in the platform (lienthong.meetings), never typed again."""

    intro = RichTextField(_("introduction"), blank=True)

    subpage_types: list[str] = []
    content_panels = [*Page.content_panels, "intro"]

    class Meta:
        verbose_name = _("work schedule")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        try:
            day = dt.date.fromisoformat(request.GET.get("tuan", ""))
        except ValueError:
            day = timezone.localdate()
        week_start = day - dt.timedelta(days=day.weekday())
        home = context["site_home"]
        context.update(
            week_start=week_start,
            week_end=week_start + dt.timedelta(days=6),
            previous_week=week_start - dt.timedelta(days=7),
            next_week=week_start + dt.timedelta(days=7),
            entries=published_schedule(home.agency, week_start) if home is not None else [],
        )
        return context


class ConsultationPage(PortalPage):
    """Lấy ý kiến dự thảo: a draft legal document put out for public comment: its text, the
    comment period, the comments citizens and organisations sent, and at the end the summary of
    how they were taken into account."""

    draft = RichTextField(_("draft and explanatory note"))
    opens_on = models.DateField(_("comments open on"), default=timezone.localdate)
    closes_on = models.DateField(_("comments close on"))
    summary = RichTextField(
        _("summary of the comments and how they were taken into account"), blank=True
    )

    subpage_types: list[str] = []
    content_panels = [*Page.content_panels, "draft", "opens_on", "closes_on", "summary"]
    search_fields = [*PortalPage.search_fields, index.SearchField("draft")]

    class Meta:
        verbose_name = _("draft for consultation")

    def is_open(self) -> bool:
        return self.opens_on <= timezone.localdate() <= self.closes_on


class ConsultationComment(models.Model):
    """One comment on a draft: who sent it (shown by name and organisation only) and the text."""

    page = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("draft"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"))
    content = models.TextField(_("comment"), max_length=10_000)
    submitted_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on a draft")
        verbose_name_plural = _("comments on drafts")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.content[:60]}"


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def public(self) -> FeedbackQuerySet:
        """Answered feedback whose sender agreed to its publication."""
        return self.filter(status=FeedbackStatus.ANSWERED, publish_consent=True).order_by(
            "-answered_at", "-pk"
        )

    def of_agency(self, agency_id: int) -> FeedbackQuerySet:
        return self.filter(agency_id=agency_id)


class Feedback(models.Model):
    """Phản ánh, kiến nghị: a citizen's feedback on an administrative regulation or a procedure
    (Decree 20/2008/NĐ-CP as amended by Decree 92/2017/NĐ-CP), sent to the agency concerned,
    answered in the platform, and published without the sender's personal data if they agreed."""

    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency concerned"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=FeedbackTopic.choices)
    subject = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"), max_length=10_000)
    # The sender (Decree 20/2008 Art. 7: name, address, contact); never shown on the portal.
    name = models.CharField(_("full name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("telephone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    publish_consent = models.BooleanField(_("may be published"), default=False)
    submitted_at = models.DateTimeField(_("sent at"), default=timezone.now)
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.RECEIVED
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status"], name="portal_feedback_agency_status")]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"

    @property
    def is_public(self) -> bool:
        return self.status == FeedbackStatus.ANSWERED and self.publish_consent

    @property
    def is_late(self) -> bool:
        moment = self.answered_at.date() if self.answered_at else timezone.localdate()
        return moment > self.due_on
