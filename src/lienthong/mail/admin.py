from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import EmailRecipient, IncomingMail, IntakeRule, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Any]):
    list_display = ["address", "agency", "host", "port", "active", "failures", "last_polled_at"]
    list_filter = ["active", "security"]
    search_fields = ["address", "agency__name"]
    exclude = ["secret"]
    readonly_fields = ["last_polled_at", "last_error", "last_error_at", "failures"]


@admin.register(IntakeRule)
class IntakeRuleAdmin(admin.ModelAdmin[Any]):
    list_display = ["agency", "position", "sender_pattern", "subject_contains", "action"]
    list_filter = ["action"]


@admin.register(IncomingMail)
class IncomingMailAdmin(admin.ModelAdmin[Any]):
    list_display = ["subject", "sender", "agency", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject", "sender", "message_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmailRecipient)
class EmailRecipientAdmin(admin.ModelAdmin[Any]):
    list_display = ["address", "document", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["address"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
