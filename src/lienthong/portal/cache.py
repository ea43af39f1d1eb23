"""The anonymous page cache of the portal: Wagtail's pages and the portal's home, as anonymous
visitors get them, kept in the platform's cache (Django's cache framework: the database cache,
or Redis when LIENTHONG_REDIS_URL is set) and served with an ETag (a 304 when the visitor has it).

Every page kept carries the generation number it was made in; publishing anything the portal
shows (a page, a document of direction, an answered feedback, a change of the org tree or of a
published schedule) moves the generation on (`invalidate`, wired in signals.py), so every cached
page is stale at once, on every web process. A hit costs one round trip to the cache (generation
and page together). LIENTHONG_PORTAL_CACHE_SECONDS bounds the life of a page anyway (what the
portal reads without a signal: the catalogue, the one-stop figures).

Not cached: a signed-in user's page, a request with a session (a password-protected page the
visitor unlocked), anything but a 200, a response that sets a cookie, used the CSRF token, or
says `private`/`no-store`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "portal:page-generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY) or 1
    return int(value)


def invalidate(**_kwargs: Any) -> None:
    """Every cached page is stale from now on (a signal receiver, hence the keywords)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.LIENTHONG_PORTAL_CACHE_SECONDS > 0
    )


def _key(request: HttpRequest) -> str:
    where = f"{request.get_host()}|{request.get_full_path()}|{get_language()}"
    return f"portal:page:{hashlib.sha256(where.encode()).hexdigest()[:40]}"


def _lookup(key: str) -> tuple[int, dict[str, Any] | None]:
    """The current generation and the page kept under `key` if it is of that generation: one
    round trip to the cache (the database cache: one query)."""
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    entry = found.get(key)
    if entry is not None and entry.get("generation") != current:
        entry = None
    return int(current), entry


def _not_modified(request: HttpRequest, etag: str) -> bool:
    wanted = request.META.get("HTTP_IF_NONE_MATCH", "")
    return bool(wanted) and etag in [t.strip() for t in wanted.split(",")]


def _answer(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    if _not_modified(request, entry["etag"]):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["X-Portal-Cache"] = entry["state"]
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def anonymous_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        current, entry = _lookup(key)
        if entry is not None:
            return _answer(request, {**entry, "state": "hit"})
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
        }
        cache.set(key, entry, timeout=settings.LIENTHONG_PORTAL_CACHE_SECONDS)
        return _answer(request, {**entry, "state": "miss"})

    return wrapped
