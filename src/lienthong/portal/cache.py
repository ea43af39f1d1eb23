"""The anonymous page cache of the portal: Wagtail's pages and the portal's home, as anonymous
visitors get them, kept in the platform's cache (Django's cache framework: the database cache,
or Redis when LIENTHONG_REDIS_URL is set) and in a small store of each web process, and served
with an ETag (a 304 when the visitor has it).

Every page kept carries the **generation** it was made in: a random token in the shared cache.
Publishing anything the portal shows (a page, a document of direction, an answered feedback, a
change of the org tree or of a published schedule) draws a new token (`invalidate`, wired in
signals.py), so every cached page is stale at once. A token, not a counter: a transaction rolled
back after an invalidation (or a test's rolled-back database) can never bring back a number that
pages of the rolled-back state were kept under.

What a hit costs: each process reads the shared token at most once every
LIENTHONG_PORTAL_CACHE_CHECK_SECONDS (1 s) and keeps the pages it served of that token in its
own memory (`_Local`, at most LOCAL_PAGES of them), so a hit on a page the process already
served costs no database query and no cache round trip at all; a page another process made costs
one cache read. The process that publishes draws the new token itself: its next page is fresh at
once; the other processes see it within the check interval (0: no memory of the process, the
token and the page read from the shared cache at every request in one round trip, one cache
query per hit: the test suite's default, whose rolled-back databases no memory could follow).
LIENTHONG_PORTAL_CACHE_SECONDS bounds the life of a page anyway (what the portal reads without a
signal: the catalogue, the one-stop figures).

Not cached: a signed-in user's page, a request with a session (a password-protected page the
visitor unlocked), anything but a 200, a response that sets a cookie, used the CSRF token, or
says `private`/`no-store`. Nothing personal is kept: only pages as any anonymous visitor gets
them."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

GENERATION_KEY = "portal:page-generation"
# Pages each web process keeps in its memory (the most recently used; 30 to 60 KB each).
LOCAL_PAGES = 256


class _Local:
    """This process's view of the cache: the token last read and when, the pages of that token
    it served, and facts computed under it (`remember`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: str | None = None
        self.read_at = 0.0
        self.pages: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.facts: dict[str, Any] = {}

    def adopt(self, token: str) -> None:
        """`token` is the current generation (read or drawn just now)."""
        with self.lock:
            if token != self.token:
                self.token = token
                self.pages.clear()
                self.facts.clear()
            self.read_at = time.monotonic()

    def keep(self, key: str, entry: dict[str, Any]) -> None:
        with self.lock:
            if entry["generation"] != self.token:
                return
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)

    def page(self, key: str, token: str) -> dict[str, Any] | None:
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry["generation"] != token:
                return None
            if entry["expires"] <= time.time():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return entry


_local = _Local()


def _read_token() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(GENERATION_KEY) or secrets.token_hex(8)
    return str(token)


def generation() -> str:
    """The current generation token, as this process knows it: read from the shared cache when
    the last reading is older than LIENTHONG_PORTAL_CACHE_CHECK_SECONDS."""
    age = time.monotonic() - _local.read_at
    token = _local.token
    if token is None or age >= settings.LIENTHONG_PORTAL_CACHE_CHECK_SECONDS:
        token = _read_token()
        _local.adopt(token)
    return token


def _draw() -> None:
    token = secrets.token_hex(8)
    cache.set(GENERATION_KEY, token, timeout=None)
    _local.adopt(token)


def invalidate(**_kwargs: Any) -> None:
    """Every cached page is stale from now on (a signal receiver, hence the keywords). Drawn
    now (the publishing process and, with the database cache, the same transaction) and again
    once the transaction commits: a page another process rendered from the old data between
    the two (Redis sees the first token before the commit) is not kept past the commit."""
    _draw()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_draw)


def remember(name: str, compute: Callable[[], Any]) -> Any:
    """A fact about what the portal shows (e.g. whether it has a home), computed once per
    generation in this process."""
    if not _remembering():
        return compute()
    token = generation()
    facts = _local.facts
    if name not in facts:
        value = compute()
        with _local.lock:
            if _local.token == token:
                facts[name] = value
        return value
    return facts[name]


def cacheable(request: HttpRequest) -> bool:
    """An anonymous GET without a session (the session cookie is looked at first: no session,
    no query for the user)."""
    return (
        request.method in ("GET", "HEAD")
        and settings.LIENTHONG_PORTAL_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def _key(request: HttpRequest) -> str:
    where = f"{request.get_host()}|{request.get_full_path()}|{get_language()}"
    return f"portal:page:{hashlib.sha256(where.encode()).hexdigest()[:40]}"


def _remembering() -> bool:
    return settings.LIENTHONG_PORTAL_CACHE_CHECK_SECONDS > 0


def _lookup(key: str) -> tuple[str, dict[str, Any] | None]:
    """The current generation and the page kept under `key` if it is of that generation: from
    this process's memory, else one read of the shared cache. With a check interval of 0, the
    shared cache only: the token and the page in one round trip."""
    if not _remembering():
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        current = _read_token() if current is None else str(current)
        entry = found.get(key)
    else:
        current = generation()
        entry = _local.page(key, current)
        if entry is not None:
            return current, entry
        entry = cache.get(key)
    if entry is None or entry.get("generation") != current or "expires" not in entry:
        return current, None
    if _remembering():
        _local.keep(key, entry)
    return current, entry


def _not_modified(request: HttpRequest, etag: str) -> bool:
    wanted = request.META.get("HTTP_IF_NONE_MATCH", "")
    return bool(wanted) and etag in [t.strip() for t in wanted.split(",")]


def _answer(request: HttpRequest, entry: dict[str, Any], state: str) -> HttpResponse:
    if _not_modified(request, entry["etag"]):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["X-Portal-Cache"] = state
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    # The language comes from a cookie: a shared cache on the way must keep one copy per cookie.
    patch_vary_headers(response, ("Cookie",))
    return response


def anonymous_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        current, entry = _lookup(key)
        if entry is not None:
            return _answer(request, entry, "hit")
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response = response.render()
        control = response.get("Cache-Control", "")
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or "private" in control
            or "no-store" in control
        ):
            return response
        content = bytes(response.content)
        entry = {
            "content": content,
            "content_type": response["Content-Type"],
            "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
            "generation": current,
            "expires": time.time() + settings.LIENTHONG_PORTAL_CACHE_SECONDS,
        }
        cache.set(key, entry, timeout=settings.LIENTHONG_PORTAL_CACHE_SECONDS)
        if _remembering():
            _local.keep(key, entry)
        return _answer(request, entry, "miss")

    return wrapped
