"""Vietnamese full-text search behind one interface, on SQLite (FTS5) and PostgreSQL (tsvector).

Text is folded in Python — tone marks removed and đ→d, which neither SQLite's FTS5 nor a plain
`icontains` does — so “quyet dinh dang ky” finds “Quyết định đăng ký”. A second, lower-cased
text with its tone marks ranks exact accented matches first (ma / má / mà differ)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

_TOKEN = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, without tone marks or other diacritics, đ → d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def plain(text: str) -> str:
    """Lower-case, tone marks kept (NFC), for exact matching."""
    return unicodedata.normalize("NFC", text).lower()


def tokens(query: str) -> list[str]:
    return _TOKEN.findall(fold(query))[:20]


def match_sql(query: str) -> tuple[str, list[str]] | None:
    """SQL selecting the ids of documents whose index matches every token of the query (the
    last one as a prefix). None when the query has no searchable token."""
    words = tokens(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*words[:-1], words[-1] + ":*"])
        return (
            "SELECT document_id FROM documents_searchentry "
            "WHERE to_tsvector('simple', folded) @@ to_tsquery('simple', %s)",
            [tsquery],
        )
    # SQLite FTS5: every token quoted, so user input never reaches the query syntax.
    fts = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
    return (
        "SELECT rowid FROM documents_search_fts WHERE documents_search_fts MATCH %s",
        [fts.strip()],
    )


def apply_search(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Filter a Document queryset by a full-text query and annotate `exact` (1 when the query,
    tone marks and all, occurs as typed), ordered exact first, then newest first."""
    matched = match_sql(query)
    if matched is None:
        return queryset.annotate(exact=Value(0, output_field=IntegerField())).order_by("-id")
    sql, params = matched
    wanted = plain(query.strip())
    if fold(wanted) == wanted:
        # Typed without tone marks: nothing can match more exactly than the folded search
        # itself, so skip the ranking and let the database walk the newest rows first.
        return (
            queryset.filter(id__in=RawSQL(sql, params))  # noqa: S611  (parameterised)
            .annotate(exact=Value(0, output_field=IntegerField()))
            .order_by("-id")
        )
    return (
        queryset.filter(id__in=RawSQL(sql, params))  # noqa: S611  (parameterised)
        .annotate(
            exact=Case(
                When(search_entry__plain__contains=wanted, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-exact", "-id")
    )


def page_after(queryset: QuerySet[Any], cursor: str, size: int) -> tuple[list[Any], str]:
    """Keyset pagination over (exact, id) descending: no OFFSET, no COUNT. `cursor` is the
    value returned for the previous page ("" for the first).

    A ranked search (typed with tone marks) is read as two streams, the exact matches newest
    first and then the others, each `ORDER BY id DESC LIMIT`: the database walks the newest rows
    and stops at the page, instead of ranking and sorting every match (which grows with the
    data: 8,000 matches at 100,000 documents, 80,000 at a million)."""
    exact, last_id = 1, 0
    if cursor:
        try:
            exact_text, id_text = cursor.split(":", 1)
            exact, last_id = int(exact_text), int(id_text)
        except ValueError:
            return [], ""
    ranked = "-exact" in queryset.query.order_by
    rows: list[Any] = []
    for stream in (1, 0) if ranked else (0,):
        if stream > exact:
            continue  # the cursor is already past this stream
        part = queryset.filter(exact=stream) if ranked else queryset
        if last_id and (stream == exact or not ranked):
            part = part.filter(id__lt=last_id)
        rows += list(part.order_by("-id")[: size + 1 - len(rows)])
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = f"{rows[-1].exact}:{rows[-1].id}" if more and rows else ""
    return rows, next_cursor
