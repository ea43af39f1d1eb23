"""RSS 2.0 and Atom feeds of the provincial portal: its news (all sites) and the published
documents of direction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import NewsPage, PublishedDocument

ITEMS = 30


class NewsFeed(Feed):  # type: ignore[type-arg]
    title = _("News")
    description = _("News of the provincial e-portal and the agencies' sites")

    def link(self) -> str:
        return "/"

    def items(self) -> Any:
        return NewsPage.objects.live().order_by("-date", "-pk")[:ITEMS]

    def item_title(self, item: NewsPage) -> str:
        return str(item.title)

    def item_description(self, item: NewsPage) -> str:
        return str(item.summary)

    def item_link(self, item: NewsPage) -> str:
        return str(item.url)

    def item_pubdate(self, item: NewsPage) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(8)))


class DocumentsFeed(Feed):  # type: ignore[type-arg]
    title = _("Documents of direction")
    description = _("Documents of direction published on the portal")

    def link(self) -> str:
        return "/"

    def items(self) -> Any:
        return (
            PublishedDocument.objects.live()
            .select_related("document")
            .order_by("-published_at")[:ITEMS]
        )

    def item_title(self, item: PublishedDocument) -> str:
        return f"{item.document.number_and_symbol} — {item.document.subject}"

    def item_description(self, item: PublishedDocument) -> str:
        return str(item.document.subject)

    def item_link(self, item: PublishedDocument) -> str:
        return reverse("portal:document", args=[item.document_id])

    def item_pubdate(self, item: PublishedDocument) -> dt.datetime:
        return item.published_at


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class DocumentsAtomFeed(DocumentsFeed):
    feed_type = Atom1Feed
    subtitle = DocumentsFeed.description
