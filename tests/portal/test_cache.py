"""The anonymous page cache itself (portal/cache.py), on a bare view: no demo needed. A hit on a
page the process already served costs no query at all; publishing in this process clears it at
once; another process's publication counts within the check interval; a page's life is bounded;
signed-in users and sessions never touch it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from lienthong.accounts.models import User
from lienthong.portal import cache as page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new web process: the previous test's database was rolled back,
    which no process memory follows (hence the suite's check interval of 0)."""
    monkeypatch.setattr(page_cache, "_local", page_cache._Local())


class Counted:
    """A page whose every rendering is counted and numbered."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.calls += 1
        return HttpResponse(f"<p>page {self.calls}</p>".encode())


def _get(view: Any, user: Any = None, **headers: Any) -> HttpResponse:
    request = RequestFactory().get("/cong/tin-tuc/", **headers)
    request.user = user or AnonymousUser()
    response: HttpResponse = view(request)
    return response


@override_settings(LIENTHONG_PORTAL_CACHE_CHECK_SECONDS=60)
def test_a_hit_costs_no_query_and_publishing_here_clears_it(
    django_assert_num_queries: Any,
) -> None:
    page = Counted()
    view = page_cache.anonymous_cache(page)
    assert _get(view)["X-Portal-Cache"] == "miss"
    with django_assert_num_queries(0):
        hit = _get(view)
    assert hit["X-Portal-Cache"] == "hit" and hit.content == b"<p>page 1</p>"
    assert hit["Vary"] == "Cookie"
    with django_assert_num_queries(0):
        assert _get(view, HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304
    page_cache.invalidate()  # what a publication's signal does, in this process
    fresh = _get(view)
    assert fresh["X-Portal-Cache"] == "miss" and fresh.content == b"<p>page 2</p>"
    assert page.calls == 2


@override_settings(LIENTHONG_PORTAL_CACHE_CHECK_SECONDS=60)
def test_another_process_publication_counts_within_the_interval() -> None:
    view = page_cache.anonymous_cache(Counted())
    _get(view)
    # Another web process publishes: it draws a new token in the shared cache.
    cache.set(page_cache.GENERATION_KEY, "drawn-by-another-process", timeout=None)
    assert _get(view)["X-Portal-Cache"] == "hit"  # this process read the token < 60 s ago
    page_cache._local.read_at -= 61
    after = _get(view)
    assert after["X-Portal-Cache"] == "miss" and after.content == b"<p>page 2</p>"


def test_with_no_interval_every_hit_reads_the_shared_cache(
    django_assert_num_queries: Any,
) -> None:
    view = page_cache.anonymous_cache(Counted())
    _get(view)
    with django_assert_num_queries(1):
        assert _get(view)["X-Portal-Cache"] == "hit"
    cache.set(page_cache.GENERATION_KEY, "drawn-by-another-process", timeout=None)
    assert _get(view)["X-Portal-Cache"] == "miss"


@pytest.mark.parametrize("check", [0, 60])
def test_a_page_lives_at_most_the_cache_seconds(check: int) -> None:
    view = page_cache.anonymous_cache(Counted())
    with override_settings(
        LIENTHONG_PORTAL_CACHE_CHECK_SECONDS=check, LIENTHONG_PORTAL_CACHE_SECONDS=300
    ):
        _get(view)
        assert _get(view)["X-Portal-Cache"] == "hit"
        with time_machine.travel(timezone.now() + timedelta(seconds=301)):
            assert _get(view).content == b"<p>page 2</p>"


@override_settings(LIENTHONG_PORTAL_CACHE_CHECK_SECONDS=60)
def test_signed_in_users_and_sessions_are_never_served_from_the_cache() -> None:
    page = Counted()
    view = page_cache.anonymous_cache(page)
    _get(view)
    official = User.objects.create_user(username="bientap.x", password="x" * 20)
    assert "X-Portal-Cache" not in _get(view, user=official)
    session = SessionStore()
    session.create()
    request = RequestFactory().get("/cong/tin-tuc/")
    request.COOKIES["sessionid"] = session.session_key or ""
    request.user = AnonymousUser()
    assert "X-Portal-Cache" not in view(request)
    assert page.calls == 3


@override_settings(LIENTHONG_PORTAL_CACHE_CHECK_SECONDS=60)
def test_a_response_with_a_cookie_or_an_error_is_not_kept() -> None:
    def with_cookie(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"x")
        response.set_cookie("seen", "1")
        return response

    view = page_cache.anonymous_cache(with_cookie)
    assert "X-Portal-Cache" not in _get(view)
    assert "X-Portal-Cache" not in _get(view)
    missing = page_cache.anonymous_cache(lambda request: HttpResponse(status=404))
    assert _get(missing).status_code == 404 and "X-Portal-Cache" not in _get(missing)
