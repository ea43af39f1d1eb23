"""Vietnamese full-text search behind one interface, on SQLite (FTS5) and PostgreSQL (tsvector).

Text is folded in Python — tone marks removed and đ→d, which neither SQLite's FTS5 nor a plain
`icontains` does — so “quyet dinh dang ky” finds “Quyết định đăng ký”. A second, lower-cased
text with its tone marks ranks exact accented matches first (ma / má / mà differ)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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


# PostgreSQL plans a search by how rare its terms are, from its own statistics of the vectors
# (`pg_stats.most_common_elems`, which ANALYZE keeps: each word's share of the entries):
# - Frequent terms (the rarest has more than PROBE_LIMIT matches by the statistics) fill a page
#   within the newest rows the user may see: the page is read newest first from the agency's
#   (agency, id) index, each row's stored vector tested, and stops at the page. No question to
#   the GIN index, which would read every match in every agency first (38,000 rows for "cải
#   cách hành chính" at a million documents, 385,000 at ten million: 4 s).
# - Otherwise the GIN index is first asked for at most RARE_LIMIT + 1 matching ids (the probe).
#   Rare terms (a few matches, wherever they are) come back whole, and the page is read from
#   those ids by the primary key. Terms in between walk a window of the newest ids testing each
#   row, then ask the GIN index for the older matches (few, since the terms are not frequent).
#   The window is in ids (all agencies), e.g. ~1,000 documents of one of 20 agencies.
# Unknown words (rarer than every listed one) and a table never analysed take the probe.
# The last word is a prefix (the user may not have finished typing it), and a frequent prefix
# ("hop:*": hợp, hợp đồng, hộp…) makes the GIN index gather every entry of every word it
# begins before it can intersect them: 50 ms for "Cảng tổng hợp" at a million documents. When
# the statistics say so and other words remain, the index is asked for the other words only,
# and the whole query is checked on the rows it gives (`ts_match_vq`, which no index serves).
RARE_LIMIT = 200
PROBE_LIMIT = 2_000
SEARCH_WINDOW = 20_000
_TSQUERY = "search_tsquery"  # annotation carrying the query to `page_after`
# The index is asked for the first tsquery; every row it gives is checked against the second,
# the whole query (the same one when nothing is left out).
_INDEXED = (
    "SELECT document_id FROM documents_searchentry "
    "WHERE folded_vector @@ to_tsquery('simple', %s) "
    "AND ts_match_vq(folded_vector, to_tsquery('simple', %s))"
)
_PROBE = _INDEXED + " LIMIT %s"
_ESTIMATE = """
WITH listed AS MATERIALIZED (
  SELECT e.elem, e.freq
  FROM pg_stats s,
       unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(elem, freq)
  WHERE s.schemaname = current_schema() AND s.tablename = 'documents_searchentry'
    AND s.attname = 'folded_vector'
)
SELECT f.freq * (SELECT reltuples FROM pg_class WHERE oid = 'documents_searchentry'::regclass)
FROM unnest(%s::text[], %s::boolean[]) WITH ORDINALITY AS t(term, prefix, position)
CROSS JOIN LATERAL (
  SELECT sum(listed.freq) AS freq FROM listed
  WHERE listed.elem = t.term OR (t.prefix AND starts_with(listed.elem, t.term))
) f
ORDER BY t.position
"""
# Each row's own vector is checked (the index is asked only by the plan, `_plan`). The check is
# the function behind @@, not the operator: PostgreSQL cannot estimate @@ on a subquery's value
# and takes it for one row in ten thousand, so at 1,000,000 documents it read a frequent word's
# every match in the agency (30,000 rows) to sort them rather than walking the newest first and
# stopping at the page (407 → 1.3 ms). A function is priced at one row in three: the walk.
_ROW_MATCHES = (
    "ts_match_vq((SELECT s.folded_vector FROM documents_searchentry s "
    "WHERE s.document_id = documents_document.id), to_tsquery('simple', %s))"
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
    plan = _plan(queryset)
    rows: list[Any] = []
    for stream in (1, 0) if ranked else (0,):
        if stream > exact:
            continue  # the cursor is already past this stream
        part = queryset.filter(exact=stream) if ranked else queryset
        below = last_id if last_id and (stream == exact or not ranked) else 0
        rows += _newest(part.order_by("-id"), below, size + 1 - len(rows), plan)
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = f"{rows[-1].exact}:{rows[-1].id}" if more and rows else ""
    return rows, next_cursor


@dataclass(frozen=True)
class _Plan:
    """How a PostgreSQL search reads its rows (see RARE_LIMIT): `matches`, every id its terms
    match when they are rare (else None); `frequent`, read newest first without the index;
    `indexed`, the part of the tsquery the index is asked for."""

    matches: list[int] | None = None
    frequent: bool = False
    indexed: str = ""


def _plan(queryset: QuerySet[Any]) -> _Plan:
    annotation = queryset.query.annotations.get(_TSQUERY)
    if not isinstance(annotation, Value):
        return _Plan()
    tsquery = annotation.value
    terms = tsquery.split(" & ")
    estimates = term_estimates(tsquery)
    if len(terms) > 1 and (estimates[-1] or 0) > PROBE_LIMIT:
        # A frequent last word (usually a prefix, "hop:*"), whole or not, is not asked of the
        # index; `ts_match_vq` checks the whole query on the rows the index gives.
        terms, estimates = terms[:-1], estimates[:-1]
    indexed = " & ".join(terms)
    rarest_term = rarest(estimates)
    if rarest_term is not None and rarest_term > PROBE_LIMIT:
        return _Plan(frequent=True, indexed=indexed)
    with connection.cursor() as cursor:
        cursor.execute(_PROBE, [indexed, tsquery, RARE_LIMIT + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return _Plan(matches=ids if len(ids) <= RARE_LIMIT else None, indexed=indexed)


def term_estimates(tsquery: str) -> list[float | None]:
    """How many search entries each term of `match_sql`'s tsquery matches by PostgreSQL's
    statistics (a prefix term: every listed word it begins, summed); None for a term not
    listed (rarer than every listed word) and for every term of a table never analysed."""
    terms = tsquery.split(" & ")
    with connection.cursor() as cursor:
        cursor.execute(
            _ESTIMATE,
            [[t.removesuffix(":*") for t in terms], [t.endswith(":*") for t in terms]],
        )
        return [None if row[0] is None else float(row[0]) for row in cursor.fetchall()]


def rarest(estimates: list[float | None]) -> float | None:
    """At most how many entries a whole tsquery matches, from its `term_estimates`: its rarest
    term's; None when a term is not listed (it may match next to nothing)."""
    if None in estimates:
        return None
    return min(e for e in estimates if e is not None)


def _newest(
    queryset: QuerySet[Any], below: int, limit: int, plan: _Plan | None = None
) -> list[Any]:
    """Up to `limit` rows with id < `below` (0: no bound), newest first. A PostgreSQL search
    reads them newest first when its terms are frequent, from the plan's `matches` when they are
    rare, otherwise the window of the newest ids first, then the index for the rest (see
    RARE_LIMIT)."""
    if below:
        queryset = queryset.filter(id__lt=below)
    annotation = queryset.query.annotations.get(_TSQUERY)
    if not isinstance(annotation, Value):
        return list(queryset[:limit])
    plan = plan or _Plan(indexed=annotation.value)
    if plan.matches is not None:
        wanted = [pk for pk in plan.matches if not below or pk < below]
        return list(queryset.filter(id__in=wanted)[:limit]) if wanted else []
    if plan.frequent:
        return list(queryset[:limit])
    top = below or (queryset.model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    floor = max(top - SEARCH_WINDOW, 0)
    rows = list(queryset.filter(id__gte=floor)[:limit])
    if len(rows) < limit and floor > 0:
        older = RawSQL(  # noqa: S611  (parameterised)
            _INDEXED + " AND document_id < %s", [plan.indexed, annotation.value, floor]
        )
        rows += list(queryset.filter(id__lt=floor, id__in=older)[: limit - len(rows)])
    return rows
