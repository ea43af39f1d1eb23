"""Signature records in the administration: to look, never to change (changes go through the
services, which check certificates and write the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PdfVerification, RemoteSignature, SigningCredential, TrustedCertificate


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrustedCertificate)
class TrustedCertificateAdmin(_ReadOnly, admin.ModelAdmin[TrustedCertificate]):
    list_display = ("name", "role", "not_after", "is_active")
    exclude = ("certificate",)


@admin.register(SigningCredential)
class SigningCredentialAdmin(_ReadOnly, admin.ModelAdmin[SigningCredential]):
    list_display = ("subject", "kind", "agency", "user", "source", "not_after", "is_active")
    list_filter = ("kind", "source", "is_active")
    exclude = ("certificate", "chain", "sealed_pkcs12", "image")


@admin.register(PdfVerification)
class PdfVerificationAdmin(_ReadOnly, admin.ModelAdmin[PdfVerification]):
    list_display = ("blob", "status", "signature_count", "checked_at")
    list_filter = ("status",)


@admin.register(RemoteSignature)
class RemoteSignatureAdmin(_ReadOnly, admin.ModelAdmin[RemoteSignature]):
    list_display = ("transaction_id", "provider", "requested_by", "purpose", "status", "created_at")
    list_filter = ("status", "provider")
    exclude = ("prepared_pdf", "signed_attributes")
