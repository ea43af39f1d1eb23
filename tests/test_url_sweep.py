"""Every URL the project defines, swept as an anonymous visitor: nothing but the public pages
answers, nothing crashes, and nothing changes in the database. A new endpoint is covered the
moment it is added (the list comes from the URL resolver)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open (sign-in, health, the API's description, language switch).
# URL names with their namespace ("portal:search" is public, "documents:search" is not).
PUBLIC = {"login", "health", "api-schema", "api-docs", "set_language", "logout", "home"}
# The officials' door, and "forgotten password" (its pages say nothing of any account).
PUBLIC |= {"staff-login", "password-reset", "password-reset-sent", "password-reset-confirm"}
PUBLIC |= {"password-reset-complete"}
# The one-stop shop: citizens create their account and follow a dossier without signing in.
PUBLIC |= {"citizen:sign-up", "citizen:track", "v1:tracking"}
# The result behind the tracking page's signed link, and "Kiểm tra văn bản / kết quả".
PUBLIC |= {"citizen:track-result", "citizen:check-file"}
# The procedure catalogue: browse, read a procedure, download its forms, read the API.
PUBLIC |= {"catalogue:home", "catalogue:procedure", "catalogue:form-download"}
PUBLIC |= {"v1:catalogue-sector-list", "v1:catalogue-sector-detail"}
PUBLIC |= {"v1:catalogue-procedure-list", "v1:catalogue-procedure-detail"}
# Payments: the gateway's server-to-server notification and the payer's browser sent back by the
# gateway (both authenticated by the gateway's signature; unsigned requests change nothing).
PUBLIC |= {"payments:gateway-ipn", "payments:gateway-return"}
# The provincial e-portal's sitemap.xml, RSS and Atom feeds, citizens' feedback (the answered
# list, the form, tracking by code), search and open data (its pages are public too, but the
# sweep names none).
PUBLIC |= {"sitemap", "portal:news-feed", "portal:documents-feed"}
PUBLIC |= {"portal:news-atom", "portal:documents-atom", "portal:feedback-list"}
PUBLIC |= {"portal:feedback-new", "portal:feedback-track", "portal:search", "portal:open-data"}


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> list[tuple[str, str]]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("quan-tri/"):
                continue  # the Django admin has its own sign-in, tested in accounts/test_admin
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found.extend(_patterns(entry, route, inner))
        elif isinstance(entry, URLPattern):
            found.append((route, namespace + (entry.name or "")))
    return found


def _concrete(route: str) -> str:
    """A URL for a pattern: 1 for every identifier, json for a format suffix."""
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\\\.\(\?P<format>[^)]*\)/\?", ".json", route)
    route = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = route.replace("\\.", ".").replace("/?", "/")
    return "/" + route


URLS = sorted({(_concrete(route), name) for route, name in _patterns(get_resolver())})


@pytest.mark.parametrize("url,name", URLS, ids=[u for u, _ in URLS])
def test_anonymous_visitor_gets_nothing(db, db_snapshot, url: str, name: str) -> None:
    client = Client()
    before = db_snapshot()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
        if name in PUBLIC or url.startswith("/static/"):
            continue
        if response.status_code == 286:  # htmx “stop polling”: the bell after sign-out
            assert not response.content.strip(), url
        elif response.status_code == 302:
            assert "/dang-nhap/" in response["Location"] or "login" in response["Location"], url
        else:
            assert response.status_code in {401, 403, 404, 405}, (
                f"{method.upper()} {url} answered {response.status_code} to an anonymous visitor"
            )
    after = db_snapshot()
    # The audit trail records refused attempts (failed sign-ins, forged callbacks): its entries
    # and its chain head may grow; nothing else may change.
    for table in ("core_auditevent", "core_auditchainhead"):
        after.pop(table, None), before.pop(table, None)
    assert after == before
