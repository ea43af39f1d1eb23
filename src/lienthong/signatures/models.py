"""Certificates the platform trusts, the signing credentials of officials and agencies, and
the recorded verification of every checked PDF."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.documents.models import Blob

from .certificates import CertificateDetails
from .constants import (
    CertificateRole,
    CredentialKind,
    KeySource,
    RemoteSignatureStatus,
    SignatureProblem,
    VerificationStatus,
)
from .querysets import CredentialQuerySet, TrustedCertificateQuerySet


class TrustedCertificate(models.Model):
    """A CA certificate signatures are checked against (the government CA, NEAC-rooted CAs and
    their sub-CAs): trust is data, added and withdrawn by an administrator."""

    role = models.CharField(_("role"), max_length=16, choices=CertificateRole.choices)
    name = models.CharField(_("name"), max_length=200)
    certificate = models.BinaryField(_("certificate (DER)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500)
    not_after = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("trusted"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = TrustedCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("trusted certificate")
        verbose_name_plural = _("trusted certificates")
        ordering = ["role", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def details(self) -> CertificateDetails:
        """What the certificate says, for the page (signatures/_certificate.html)."""
        return CertificateDetails.from_der(bytes(self.certificate))


class SigningCredential(models.Model):
    """A certificate someone signs with and where its key is: a PKCS#12 file (stored sealed,
    its passphrase never stored), a hardware token reached through PKCS#11 (PIN asked at
    signing time) or a remote signing service. Personal credentials belong to an official,
    agency credentials (the seal) to an agency and are used by its clerks."""

    kind = models.CharField(_("kind"), max_length=12, choices=CredentialKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("key held in"), max_length=12, choices=KeySource.choices)
    certificate = models.BinaryField(_("certificate (DER)"))
    chain = models.BinaryField(_("CA certificates (DER, concatenated PEM)"), default=b"")
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=80)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    sealed_pkcs12 = models.BinaryField(_("sealed PKCS#12 file"), default=b"")
    pkcs11_module = models.CharField(_("PKCS#11 module"), max_length=300, blank=True)
    pkcs11_token = models.CharField(_("token label"), max_length=100, blank=True)
    pkcs11_key = models.CharField(_("key label"), max_length=100, blank=True)
    remote_provider = models.CharField(_("remote signing service"), max_length=100, blank=True)
    remote_key_id = models.CharField(_("key at the service"), max_length=200, blank=True)
    remote_user_id = models.CharField(
        _("user id at the service"),
        max_length=200,
        blank=True,
        help_text=_("How the remote signing service knows the official (e.g. their ID number)."),
    )
    image = models.BinaryField(
        _("signature image (PNG)"),
        default=b"",
        help_text=_("Blue handwritten signature or red seal, transparent PNG."),
    )
    image_width_mm = models.PositiveSmallIntegerField(_("image width (mm)"), default=36)
    is_active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("signing right revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    expiry_warned_at = models.DateTimeField(
        _("expiry warning sent at"), null=True, blank=True, editable=False
    )

    objects = CredentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        ordering = ["agency", "kind", "-not_after", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CredentialKind.PERSONAL, user__isnull=False)
                | Q(kind=CredentialKind.AGENCY, user__isnull=True),
                name="credential_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(is_active=False),
                name="credential_revoked_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def details(self) -> CertificateDetails:
        """What the certificate says, for the page (signatures/_certificate.html)."""
        return CertificateDetails.from_der(bytes(self.certificate))

    @property
    def expires_soon(self) -> bool:
        warn = timedelta(days=settings.LIENTHONG_CERTIFICATE_WARNING_DAYS)
        return self.not_after <= timezone.now() + warn

    @property
    def is_expired(self) -> bool:
        return self.not_after <= timezone.now()


class PdfVerification(models.Model):
    """The recorded result of checking the signatures of one stored PDF."""

    blob = models.OneToOneField(
        Blob, verbose_name=_("file"), on_delete=models.PROTECT, related_name="verification"
    )
    status = models.CharField(
        _("result"),
        max_length=12,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    signature_count = models.PositiveSmallIntegerField(_("signatures"), default=0)
    report = models.JSONField(_("details"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    signer_fingerprints = models.TextField(
        _("signers' certificates (SHA-256)"),
        blank=True,
        default="",
        editable=False,
        help_text=_("Space-separated, to find the checks a revoked certificate affects."),
    )
    recheck_requested_at = models.DateTimeField(
        _("check again requested at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("PDF signature check")
        verbose_name_plural = _("PDF signature checks")

    def __str__(self) -> str:
        return f"{self.blob_id}: {self.status}"

    def signature_lines(self) -> list[dict[str, Any]]:
        """The recorded signatures with their problems in words, for the badge's details."""
        labels = dict(SignatureProblem.choices)

        lines = []
        for entry in self.report.get("signatures", []):
            line = dict(entry)
            for key in ("signing_time", "timestamp_time"):
                if line.get(key):
                    line[key] = datetime.fromisoformat(str(line[key]))
            line["problem_labels"] = [str(labels.get(p, p)) for p in entry.get("problems", [])]
            line["only_untrusted"] = set(entry.get("problems", [])) == {"untrusted"}
            stored = entry.get("certificate")
            line["details"] = CertificateDetails.from_dict(stored) if stored else None
            lines.append(line)
        return lines


class RemoteSignature(models.Model):
    """A signature asked of a remote signing service (ký số từ xa) and awaiting the signer's
    confirmation on the phone. It keeps the prepared PDF and the signed attributes whose hash
    was sent, so the signature value comes back into exactly those bytes. `purpose` and
    `object_id` say what is being signed (e.g. "drafting.draft" and the draft's id); the app
    that asked registers what to do when it is signed or not (`remote_handlers`)."""

    credential = models.ForeignKey(
        SigningCredential,
        verbose_name=_("signing credential"),
        on_delete=models.PROTECT,
        related_name="remote_signatures",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("what is signed"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object"))
    provider = models.CharField(_("remote signing service"), max_length=100)
    transaction_id = models.CharField(_("transaction at the service"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RemoteSignatureStatus.choices,
        default=RemoteSignatureStatus.PENDING,
    )
    prepared_pdf = models.BinaryField(_("prepared PDF"))
    document_digest = models.CharField(_("document digest (SHA-256)"), max_length=64)
    reserved_start = models.PositiveBigIntegerField(_("placeholder start"))
    reserved_end = models.PositiveBigIntegerField(_("placeholder end"))
    signed_attributes = models.BinaryField(_("signed attributes (DER)"))
    hash_sent = models.CharField(_("hash sent (SHA-256)"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    failure = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote signature")
        verbose_name_plural = _("remote signatures")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "transaction_id"], name="remote_signature_transaction_unique"
            ),
            models.UniqueConstraint(
                fields=["purpose", "object_id"],
                condition=Q(status=RemoteSignatureStatus.PENDING),
                name="remote_signature_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="remote_sig_status_idx")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.transaction_id} ({self.status})"
