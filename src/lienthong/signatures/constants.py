"""Kinds, sources and results of digital signatures (chữ ký số), and where they go in a PDF
(Decree 30/2020, Điều 13.7, 17.2, 33 and Phụ lục I)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CredentialKind(models.TextChoices):
    PERSONAL = "personal", _("Personal signature (competent person)")
    AGENCY = "agency", _("Agency signature (seal)")


class KeySource(models.TextChoices):
    PKCS12 = "pkcs12", _("PKCS#12 file")
    PKCS11 = "pkcs11", _("Hardware token (PKCS#11)")
    REMOTE = "remote", _("Remote signing service")


class CertificateRole(models.TextChoices):
    ROOT = "root", _("Trust root")
    INTERMEDIATE = "intermediate", _("Intermediate CA")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Being checked")
    VALID = "valid", _("Valid signature")
    UNTRUSTED = "untrusted", _("Valid signature, trust source not established")
    INVALID = "invalid", _("Invalid signature")
    UNSIGNED = "unsigned", _("Not signed")
    UNREADABLE = "unreadable", _("Could not be checked")


class SignatureProblem(models.TextChoices):
    """Why one signature is not valid, most serious first."""

    MODIFIED = "modified", _("The document was modified after signing")
    REVOKED = "revoked", _("The certificate was revoked")
    EXPIRED = "expired", _("The certificate had expired when it signed")
    UNTRUSTED = "untrusted", _("The certificate does not chain to a trusted root")
    INVALID = "invalid", _("The signature is not cryptographically valid")


# Signature fields lienthong writes, so later steps can find earlier ones.
PERSONAL_FIELD = "LienThong-CaNhan"
AGENCY_FIELD = "LienThong-CoQuan"
NUMBER_FIELD = "LienThong-SoNgay"
APPENDIX_FIELD = "LienThong-PhuLuc"

# PDF points per millimetre.
MM = 72 / 25.4

# Layout of the appearances (Decree 30/2020, Phụ lục I).
# A Vietnamese agency seal is 35-42 mm across: drawn at its real size.
SEAL_DIAMETER_MM = 36
# The seal covers this share of the width of the handwritten signature's image, from its left.
SEAL_OVER_IMAGE = 1 / 3
# The personal signature's own text (signer, signing time) in the appearance, in points.
SIGNATURE_TEXT_SIZE = 7
# Size of the image region when the credential has no handwritten image (mm).
BLANK_IMAGE_MM = (30, 12)
# How far (points) a signature block may be shifted from its ideal place to avoid page text.
MAX_SHIFT_PT = 220


class RemoteSignatureStatus(models.TextChoices):
    """Where a signature asked of a remote signing service (ký số từ xa) stands."""

    PENDING = "pending", _("Awaiting the signer's confirmation")
    COMPLETED = "completed", _("Signed")
    REFUSED = "refused", _("Refused by the signer")
    EXPIRED = "expired", _("Not confirmed in time")
    FAILED = "failed", _("Failed")
    ABANDONED = "abandoned", _("Cancelled")


FINISHED_REMOTE_STATUSES = frozenset(
    {
        RemoteSignatureStatus.COMPLETED,
        RemoteSignatureStatus.REFUSED,
        RemoteSignatureStatus.EXPIRED,
        RemoteSignatureStatus.FAILED,
        RemoteSignatureStatus.ABANDONED,
    }
)
