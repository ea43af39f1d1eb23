"""Warm a web worker before it takes its first request, so that the first visitor after a start
does not pay for what Django does lazily: importing every view (the URLconf), compiling the
templates, loading the translation catalogues and the holiday calendar, opening the database.
`conf/wsgi.py` calls `warm_up()` when gunicorn loads the application (once, in its master:
`serve` preloads it), before any worker accepts a connection."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver, reverse
from django.utils import timezone, translation

from lienthong.core import workdays

logger = logging.getLogger(__name__)


def _our_templates() -> list[str]:
    """The names of the platform's own templates (its apps' templates/ folders)."""
    names = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lienthong"):
            continue
        folder = Path(config.path) / "templates"
        names += [str(p.relative_to(folder)) for p in folder.rglob("*.html") if p.is_file()]
    return sorted(names)


def warm_up() -> float:
    """Import the URLconf, compile the templates, load every language's catalogue and make a
    first database query; returns the seconds it took."""
    started = time.monotonic()
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports every view module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Sign in")
            reverse("login")  # fills the resolver's reverse table for this language
    for engine in engines.all():
        for name in _our_templates():
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment meant for include
                logger.debug("not warmed: %s", name)

    # The working-day calendar: `holidays` imports every country's module at its first use
    # (1.5 s of a worker's CPU at its first deadline).
    this_year = timezone.localdate().year  # the year in Vietnam
    for year in (this_year, this_year + 1):
        workdays.load_statutory_calendar(year)
    try:
        get_user_model().objects.only("pk").first()
        get_user_model().objects.get_with_roles(0)  # compiles the signed-in user's look-up
        Session.objects.only("pk").first()
    except DatabaseError as error:
        # A worker (re)started while the database is away must still boot: gunicorn stops
        # altogether when a worker fails to load the application. Its requests retry then.
        logger.warning("warm-up without the database: %s", str(error).strip().splitlines()[0])
    finally:
        connections.close_all()  # the worker's first request opens its own
    return time.monotonic() - started
