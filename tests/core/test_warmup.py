"""A web worker is warm before its first request: URLconf imported, templates compiled,
catalogues loaded, the database touched (conf/wsgi.py calls `warm_up`)."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from lienthong.core.warmup import warm_up

pytestmark = pytest.mark.django_db


def test_warm_up_fills_what_django_fills_lazily() -> None:
    engine = engines["django"].engine  # type: ignore[attr-defined]
    (cached,) = engine.template_loaders
    cached.reset()
    clear_url_caches()
    trans_real._translations.clear()
    assert "base.html" not in cached.get_template_cache

    warm_up()

    compiled = cached.get_template_cache
    assert {"base.html", "accounts/login.html"} <= set(compiled)
    assert sum(1 for name in compiled if not isinstance(compiled[name], type)) >= 50
    assert {"vi", "en"} <= set(trans_real._translations)
    resolver = get_resolver()
    assert {"vi", "en"} <= set(resolver._reverse_dict)  # reversing is ready in both languages
