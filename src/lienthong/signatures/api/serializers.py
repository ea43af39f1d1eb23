"""Input and output of the signatures API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lienthong.core.api.fields import UploadField

from ..constants import CredentialKind, VerificationStatus
from ..models import SigningCredential


class VerifyInputSerializer(serializers.Serializer[Any]):
    file = UploadField(allow_empty_file=True, help_text="The PDF to check (multipart).")


class SignInputSerializer(serializers.Serializer[Any]):
    file = UploadField(allow_empty_file=True, help_text="The PDF to sign (multipart).")
    kind = serializers.ChoiceField(
        choices=CredentialKind.choices,
        help_text="`personal`: your own certificate; `agency`: the agency's (clerks only).",
    )
    secret = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=200,
        help_text="Passphrase of the PKCS#12 file or PIN of the token. Never stored.",
    )
    position = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Personal: the position line above the name (the image goes between).",
    )
    number_and_symbol = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="Agency: the số và ký hiệu stamped in (main document) or written (annex).",
    )
    issued_date = serializers.DateField(required=False, allow_null=True)
    appendix = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Agency: an annex in a separate file (top right of page 1, no image).",
    )


class SignatureReportSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(source="field_name", help_text="The PDF signature field.")
    signer = serializers.CharField()
    organisation = serializers.CharField()
    subject = serializers.CharField()
    issuer = serializers.CharField()
    serial = serializers.CharField()
    certificate_valid_from = serializers.DateTimeField(allow_null=True)
    certificate_valid_until = serializers.DateTimeField(allow_null=True)
    signing_time = serializers.DateTimeField(allow_null=True)
    timestamp_time = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField()
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField()
    revoked = serializers.BooleanField()
    expired = serializers.BooleanField()
    covers_whole_file = serializers.BooleanField()
    modification_level = serializers.CharField()
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="modified, revoked, expired, untrusted, invalid; empty when valid.",
    )


class VerificationReportSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[c for c in VerificationStatus.choices if c[0] != VerificationStatus.PENDING]
    )
    error = serializers.CharField()
    signatures = SignatureReportSerializer(many=True)


class CredentialSerializer(serializers.ModelSerializer[SigningCredential]):
    expires_soon = serializers.BooleanField(read_only=True)

    class Meta:
        model = SigningCredential
        fields = [
            "id",
            "kind",
            "user",
            "agency",
            "source",
            "subject",
            "issuer",
            "serial",
            "fingerprint",
            "not_before",
            "not_after",
            "is_active",
            "revoked_at",
            "expires_soon",
        ]
        read_only_fields = fields
