"""A web worker is warm before its first request: URLconf imported, templates compiled,
catalogues loaded, the database touched (conf/wsgi.py calls `warm_up`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from lienthong.core import workdays
from lienthong.core.warmup import warm_up

pytestmark = pytest.mark.django_db


def test_warm_up_fills_what_django_fills_lazily() -> None:
    engine = engines["django"].engine  # type: ignore[attr-defined]
    (cached,) = engine.template_loaders
    cached.reset()
    clear_url_caches()
    trans_real._translations.clear()
    assert "base.html" not in cached.get_template_cache
    workdays._statutory.cache_clear()

    warm_up()

    assert workdays._statutory.cache_info().currsize == 2  # this year's calendar and the next
    compiled = cached.get_template_cache
    assert {"base.html", "accounts/login.html"} <= set(compiled)
    assert sum(1 for name in compiled if not isinstance(compiled[name], type)) >= 50
    assert {"vi", "en"} <= set(trans_real._translations)
    resolver = get_resolver()
    assert {"vi", "en"} <= set(resolver._reverse_dict)  # reversing is ready in both languages


def test_the_application_loads_while_the_database_is_away(tmp_path) -> None:
    """gunicorn gives up when a worker cannot load the application: a worker restarted while
    PostgreSQL is down (the fault run kills both) must still load, warm-up and all."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/absent",
        "LIENTHONG_DATA_DIR": str(tmp_path),
    }
    env.pop("LIENTHONG_WARM_UP", None)
    loaded = subprocess.run(
        [sys.executable, "-c", "from lienthong.conf.wsgi import application; print('loaded')"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert "loaded" in loaded.stdout
    assert "warm-up without the database" in loaded.stderr
