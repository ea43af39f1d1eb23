"""Vietnamese full-text search behind one interface, on SQLite (FTS5) and PostgreSQL (tsvector).

Text is folded in Python — tone marks removed and đ→d, which neither SQLite's FTS5 nor a plain
`icontains` does — so “quyet dinh dang ky” finds “Quyết định đăng ký”. A second, lower-cased
text with its tone marks ranks exact accented matches first (ma / má / mà differ)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    IntegerField,
    Max,
    QuerySet,
    Value,
    When,
)
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
            "WHERE folded_vector @@ to_tsquery('simple', %s)",
            [tsquery],
        )
    # SQLite FTS5: every token quoted, so user input never reaches the query syntax.
    fts = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
    return (
        "SELECT rowid FROM documents_search_fts WHERE documents_search_fts MATCH %s",
        [fts.strip()],
    )


# PostgreSQL plans a search by how rare its terms are. It first asks the GIN index for at most
# RARE_LIMIT + 1 matching ids (the probe: no ordering, so it stops at the limit). Rare terms (a
# few matches, wherever they are) come back whole, and the page is read from those ids by the
# primary key. Other terms walk the newest ids (the window) testing each row's stored vector,
# then ask the GIN index for the older matches, a question that reads every match of the terms
# in every agency. Frequent terms fill a page inside the window, so their cost does not grow with
# the database; when PostgreSQL's statistics call them frequent (below) and a page is not full
# yet, the walk goes on through a second window twice as wide, and so on up to SEARCH_WINDOWS
# windows (300,000 ids), before it asks the index: a frequent word whose exact, tone-marked form
# is less frequent (the ranked stream of `page_after`) asked it after the first window, and read
# 38,000 rows for "cải cách hành chính" at a million documents. Terms between rare and frequent
# (not in the statistics, more than RARE_LIMIT matches) are sparse: walking would read many rows
# for few matches, so they ask the index after the first window. The window is in ids (all
# agencies), e.g. ~1,000 documents of one of 20 agencies.
# The probe itself reads every match of its terms before its LIMIT applies (a GIN index gives
# its matches all at once): 80 ms for a phrase of common words at a million documents. So it is
# skipped when PostgreSQL's statistics of the vectors (`pg_stats.most_common_elems`, which
# ANALYZE keeps: each word's share of the entries) say the rarest term has more than
# PROBE_LIMIT matches; unknown words (rarer than every listed one) and a table never analysed
# keep the probe.
RARE_LIMIT = 200
PROBE_LIMIT = 2_000
SEARCH_WINDOW = 20_000
SEARCH_WINDOWS = 4
_TSQUERY = "search_tsquery"  # annotation carrying the query to `page_after`
_PROBE = (
    "SELECT document_id FROM documents_searchentry "
    "WHERE folded_vector @@ to_tsquery('simple', %s) LIMIT %s"
)
_ESTIMATE = """
WITH listed AS MATERIALIZED (
  SELECT e.elem, e.freq
  FROM pg_stats s,
       unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(elem, freq)
  WHERE s.schemaname = current_schema() AND s.tablename = 'documents_searchentry'
    AND s.attname = 'folded_vector'
)
SELECT min(f.freq) * (SELECT reltuples FROM pg_class
                      WHERE oid = 'documents_searchentry'::regclass),
       count(*) FILTER (WHERE f.freq IS NULL)
FROM unnest(%s::text[], %s::boolean[]) AS t(term, prefix)
CROSS JOIN LATERAL (
  SELECT sum(listed.freq) AS freq FROM listed
  WHERE listed.elem = t.term OR (t.prefix AND starts_with(listed.elem, t.term))
) f
"""
_ROW_MATCHES = (
    "(SELECT s.folded_vector FROM documents_searchentry s "
    "WHERE s.document_id = documents_document.id) @@ to_tsquery('simple', %s)"
)


def apply_search(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Filter a Document queryset by a full-text query and annotate `exact` (1 when the query,
    tone marks and all, occurs as typed), ordered exact first, then newest first."""
    matched = match_sql(query)
    if matched is None:
        unranked: QuerySet[Any] = queryset.annotate(exact=Value(0, output_field=IntegerField()))
        return unranked.order_by("-id")
    if connection.vendor == "postgresql":
        tsquery = matched[1][0]
        queryset = queryset.filter(
            RawSQL(_ROW_MATCHES, [tsquery], output_field=BooleanField())  # noqa: S611
        ).annotate(**{_TSQUERY: Value(tsquery, output_field=CharField())})
    else:
        sql, params = matched
        queryset = queryset.filter(id__in=RawSQL(sql, params))  # noqa: S611  (parameterised)
    wanted = plain(query.strip())
    if fold(wanted) == wanted:
        # Typed without tone marks: nothing can match more exactly than the folded search
        # itself, so skip the ranking and let the database walk the newest rows first.
        unranked = queryset.annotate(exact=Value(0, output_field=IntegerField()))
        return unranked.order_by("-id")
    ranked: QuerySet[Any] = queryset.annotate(
        exact=Case(
            When(search_entry__plain__contains=wanted, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    return ranked.order_by("-exact", "-id")


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
    matches, windows = _plan(queryset)
    rows: list[Any] = []
    for stream in (1, 0) if ranked else (0,):
        if stream > exact:
            continue  # the cursor is already past this stream
        part = queryset.filter(exact=stream) if ranked else queryset
        below = last_id if last_id and (stream == exact or not ranked) else 0
        rows += _newest(part.order_by("-id"), below, size + 1 - len(rows), matches, windows)
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = f"{rows[-1].exact}:{rows[-1].id}" if more and rows else ""
    return rows, next_cursor


def _plan(queryset: QuerySet[Any]) -> tuple[list[int] | None, int]:
    """How a PostgreSQL search reads its rows: every id its terms match when they are rare (at
    most RARE_LIMIT, all agencies), else None; and how many windows to walk before asking the
    index (SEARCH_WINDOWS for terms the statistics call frequent, else one)."""
    annotation = queryset.query.annotations.get(_TSQUERY)
    if not isinstance(annotation, Value):
        return None, 1
    estimate = estimated_matches(annotation.value)
    if estimate is not None and estimate > PROBE_LIMIT:
        return None, SEARCH_WINDOWS
    with connection.cursor() as cursor:
        cursor.execute(_PROBE, [annotation.value, RARE_LIMIT + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return (ids if len(ids) <= RARE_LIMIT else None), 1


def estimated_matches(tsquery: str) -> float | None:
    """How many search entries the rarest term of `match_sql`'s tsquery matches by PostgreSQL's
    statistics (a prefix term: every listed word it begins, summed), so at most how many the
    whole query matches; None when a term is not listed (rarer than all listed words) or the
    table was never analysed."""
    terms = tsquery.split(" & ")
    with connection.cursor() as cursor:
        cursor.execute(
            _ESTIMATE,
            [[t.removesuffix(":*") for t in terms], [t.endswith(":*") for t in terms]],
        )
        estimate, unknown = cursor.fetchone()
    return None if unknown or estimate is None else float(estimate)


def _newest(
    queryset: QuerySet[Any],
    below: int,
    limit: int,
    matches: list[int] | None = None,
    windows: int = 1,
) -> list[Any]:
    """Up to `limit` rows with id < `below` (0: no bound), newest first. A PostgreSQL search
    reads them from `matches` when its terms are rare (see RARE_LIMIT), otherwise the window of
    the newest ids first, then the index for the rest (see SEARCH_WINDOW)."""
    if below:
        queryset = queryset.filter(id__lt=below)
    annotation = queryset.query.annotations.get(_TSQUERY)
    if not isinstance(annotation, Value):
        return list(queryset[:limit])
    if matches is not None:
        wanted = [pk for pk in matches if not below or pk < below]
        return list(queryset.filter(id__in=wanted)[:limit]) if wanted else []
    top = below or (queryset.model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    rows: list[Any] = []
    floor, window = top, SEARCH_WINDOW
    for _ in range(windows):
        upper, floor = floor, max(floor - window, 0)
        rows += list(queryset.filter(id__gte=floor, id__lt=upper)[: limit - len(rows)])
        if len(rows) >= limit or floor == 0:
            return rows
        window *= 2
    if floor > 0:
        older = RawSQL(
            "SELECT document_id FROM documents_searchentry "
            "WHERE folded_vector @@ to_tsquery('simple', %s) AND document_id < %s",
            [annotation.value, floor],
        )
        rows += list(queryset.filter(id__lt=floor, id__in=older)[: limit - len(rows)])
    return rows
