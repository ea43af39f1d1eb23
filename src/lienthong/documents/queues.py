"""The documents app's tabs of the official's queue (see `core.queues`): the clerk's received
documents awaiting registration and recorded outgoing documents awaiting issue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.core.queues import QueueItem, QueueTab, register

from .constants import DocumentStatus
from .models import Document
from .permissions import can_register


def _item(document: Document) -> QueueItem:
    number = document.number_and_symbol
    return QueueItem(
        url=reverse("documents:detail", args=[document.pk]),
        title=f"{document.document_type.name} {number} — {document.subject}".replace("  ", " "),
        detail=document.issuer_name,
        when=document.issued_date,
    )


def to_register(user: Any) -> QuerySet[Document]:
    return (
        Document.objects.visible_to(user)
        .incoming()
        .filter(status=DocumentStatus.RECEIVED)
        .select_related("document_type")
        .order_by("-id")
    )


def outgoing_to_issue(user: Any) -> QuerySet[Document]:
    return (
        Document.objects.visible_to(user)
        .outgoing()
        .filter(status=DocumentStatus.DRAFT)
        .select_related("document_type")
        .order_by("-id")
    )


def register_queues() -> None:
    register(
        QueueTab(
            key="to_register",
            label=_("Received documents awaiting registration"),
            applies=can_register,
            rows=to_register,
            item=_item,
            order=20,
        )
    )
    register(
        QueueTab(
            key="outgoing_to_issue",
            label=_("Outgoing documents awaiting issue"),
            applies=can_register,
            rows=outgoing_to_issue,
            item=_item,
            order=40,
        )
    )
