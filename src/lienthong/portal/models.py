"""The provincial e-portal's pages (Wagtail): the portal's home, an agency site's home per
department or district, standard pages, news with categories and images, announcements; and the
platform's own records the portal shows (documents of direction marked for publication).

The tree: Root → the provincial portal's home → (its own sections, and) one agency home per
department/district that has a site. Each agency home is also the root of a Wagtail `Site` with
the agency's own hostname (docs/portal.md), so the same page is served on both."""

from __future__ import annotations

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
from lienthong.documents.models import Document

from .constants import InformationItem


class PortalPage(Page):  # type: ignore[misc]  # Wagtail ships no type information
    """Abstract base of every portal page: the agency whose site it belongs to, found by walking
    up to the nearest agency home (or the portal's home)."""

    class Meta:
        abstract = True

    def site_home(self) -> PortalHomePage | AgencyHomePage | None:
        for ancestor in reversed(list(self.get_ancestors(inclusive=True).specific())):
            if isinstance(ancestor, AgencyHomePage | PortalHomePage):
                return ancestor
        return None

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["site_home"] = self.site_home()
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
    search_fields = [*Page.search_fields, index.SearchField("intro")]

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
    search_fields = [*Page.search_fields, index.SearchField("body")]

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
        *Page.search_fields,
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
    search_fields = [*Page.search_fields, index.SearchField("body")]

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


class PublishedDocument(models.Model):
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

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")

    def __str__(self) -> str:
        return str(self.document)

    def signed_pdf(self) -> Any:
        """The document's text as issued: the current version of its first PDF attachment."""
        for attachment in self.document.attachments.prefetch_related("versions__blob"):
            version = attachment.current
            if version is not None and version.blob.content_type == "application/pdf":
                return version
        return None
