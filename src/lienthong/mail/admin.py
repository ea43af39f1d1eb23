from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import DigestSubscription, EmailRecipient, IncomingMail, IntakeRule, Mailbox


class MailboxAdminForm(forms.ModelForm[Mailbox]):
    """The password is written, never read back: an empty field keeps the sealed one."""

    new_secret = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "agency",
            "address",
            "host",
            "port",
            "security",
            "username",
            "folder",
            "processed_folder",
            "active",
        ]

    def save(self, commit: bool = True) -> Mailbox:
        mailbox = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            mailbox.set_secret(self.cleaned_data["new_secret"])
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Any]):
    form = MailboxAdminForm
    list_display = ["address", "agency", "host", "port", "active", "failures", "last_polled_at"]
    list_filter = ["active", "security"]
    search_fields = ["address", "agency__name"]
    readonly_fields = ["last_polled_at", "last_error", "last_error_at", "failures"]


@admin.register(IntakeRule)
class IntakeRuleAdmin(admin.ModelAdmin[Any]):
    list_display = [
        "agency",
        "mailbox",
        "position",
        "sender_pattern",
        "subject_contains",
        "attachment_types",
        "action",
    ]
    list_filter = ["action"]


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin[Any]):
    list_display = ["user", "enabled", "last_sent_on"]
    list_filter = ["enabled"]
    search_fields = ["user__username", "user__full_name"]
    readonly_fields = ["kinds", "queued_on", "last_sent_on", "last_sent_at"]


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
