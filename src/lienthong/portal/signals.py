"""What the portal shows changed: its cached anonymous pages are stale (cache.py)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from lienthong.accounts.models import Agency, Position, Unit
from lienthong.meetings.models import Schedule, ScheduleEntry

from . import models
from .cache import invalidate

# Saving or deleting one of these changes a page of the portal (the org chart and header come
# from the org tree, the schedule from meetings, the documents and feedback from the portal).
SHOWN = (
    Page,
    models.PublishedDocument,
    models.Feedback,
    models.ConsultationComment,
    Agency,
    Unit,
    Position,
    Schedule,
    ScheduleEntry,
)


def connect() -> None:
    page_published.connect(invalidate, dispatch_uid="portal-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="portal-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="portal-cache-moved")
    for model in SHOWN:
        name = model._meta.label_lower
        post_save.connect(invalidate, sender=model, dispatch_uid=f"portal-cache-save-{name}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"portal-cache-delete-{name}")
