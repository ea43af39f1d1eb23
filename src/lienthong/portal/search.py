"""Search on the portal, with or without tone marks: pages and published documents through
Wagtail's search backend (its database backend: FTS5 on SQLite, tsvector on PostgreSQL), the
procedures through the catalogue's own search.

Neither backend folds Vietnamese: "cong nghe" and "công nghệ" are different words to both. So
every portal page and published document also indexes its text folded (tone marks removed,
đ → d: `documents.search.fold`, the platform's one folding), and the query is folded the same
way before it reaches the backend — typed with or without its tone marks, it finds the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from lienthong.catalogue.models import Procedure
from lienthong.documents.search import fold, tokens

from .models import PublishedDocument

LIMIT = 20


@dataclass
class Results:
    query: str
    pages: list[Any] = field(default_factory=list)
    documents: list[PublishedDocument] = field(default_factory=list)
    procedures: list[Procedure] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.pages) + len(self.documents) + len(self.procedures)


def folded_query(query: str) -> str:
    """The words of the query, folded: what the backend is asked for."""
    return " ".join(tokens(fold(query)))


def search(query: str, *, root: Page | None = None) -> Results:
    """Live pages (under `root` when given), published documents and published procedures
    matching every word of the query."""
    results = Results(query=query)
    words = folded_query(query)
    if not words:
        return results
    pages = Page.objects.live().public().exclude(depth=1)
    if root is not None:
        pages = pages.descendant_of(root, inclusive=True)
    backend = get_search_backend()
    results.pages = [page.specific for page in backend.search(words, pages, operator="and")[:LIMIT]]
    documents = PublishedDocument.objects.live().select_related("document")
    results.documents = list(backend.search(words, documents, operator="and")[:LIMIT])
    results.procedures = list(
        Procedure.objects.published().select_related("agency").search(query)[:LIMIT]
    )
    return results


def document_url(publication: PublishedDocument) -> str:
    return reverse("portal:document", args=[publication.document_id])
