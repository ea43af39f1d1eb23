"""Use cases of digital signatures: administering trust roots and signing credentials, signing
PDFs as the competent person and as the agency (the seal), and verifying PDFs.

Public interface for other apps:
- `sign_personal(actor=, data=, secret=, signer_name=, position=)` → signed PDF bytes
- `apply_agency_signature(agency=, actor=, data=, secret=, number_and_symbol=, issued_date=,
  place=, appendix=)` → signed PDF bytes (the number and date stamped first unless appendix)
- `verify_pdf(data)` → `VerificationReport` (engine.py)
- `enqueue_verification(blob=)` → the `PdfVerification` row, checked by a background job
- `has_personal_credential(user)`, `has_agency_credential(agency)`

Signing functions raise ValidationError (bad input, wrong passphrase or PIN, signing order) or
PermissionDenied; they write only audit entries, so they can run inside the caller's
transaction (the caller stores the bytes)."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from asn1crypto import pem, x509
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.core import sealing
from lienthong.core.audit import record_event
from lienthong.documents import services as documents
from lienthong.documents.models import Blob
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from . import engine, keys, remote, tasks
from .certificates import certificate_label, issuer_label
from .constants import (
    AGENCY_FIELD,
    APPENDIX_FIELD,
    MM,
    PERSONAL_FIELD,
    SEAL_DIAMETER_MM,
    CertificateRole,
    CredentialKind,
    KeySource,
    RemoteSignatureStatus,
    VerificationStatus,
)
from .engine import VerificationReport
from .models import PdfVerification, RemoteSignature, SigningCredential, TrustedCertificate
from .permissions import can_administer, can_manage_trust, can_sign_for_agency

__all__ = [
    "VerificationReport",
    "add_trusted_certificate",
    "apply_agency_signature",
    "enqueue_rechecks",
    "enqueue_verification",
    "has_agency_credential",
    "has_personal_credential",
    "recheck_affected_verifications",
    "register_credential",
    "request_recheck",
    "reseal_stored_keys",
    "revoke_credential",
    "revoke_signing_rights",
    "sign_personal",
    "verify_pdf",
    "withdraw_trust",
]

logger = logging.getLogger(__name__)


def _messages() -> dict[str, str]:
    return {
        "bad_certificate": _("The file is not an X.509 certificate (PEM or DER)."),
        "wrong_passphrase": _("Wrong passphrase or PIN: nothing was signed."),
        "no_key": _("The PKCS#12 file holds no private key and certificate."),
        "token_unavailable": _("The signing key could not be reached (token or service)."),
        "key_sealed": _(
            "The stored signing key cannot be opened with this installation's key-encryption key "
            "(LIENTHONG_KEY_ENCRYPTION_KEY): nothing was signed. Ask the system administrator to "
            "set the key the certificate was stored with, or to register the certificate again."
        ),
        "bad_pdf": _("The file is not a readable PDF."),
        "encrypted_pdf": _("The PDF is password-protected; it cannot be signed."),
    }


def _problem(exc: keys.KeyProblem | engine.PdfProblem) -> ValidationError:
    return ValidationError(_messages().get(exc.code, str(exc)), code=exc.code)


# --- Trust roots ----------------------------------------------------------------------------------


@transaction.atomic
def add_trusted_certificate(
    *, actor: User | None, data: bytes, name: str = "", role: str = CertificateRole.ROOT
) -> TrustedCertificate:
    """Trust a CA certificate (a root, or an intermediate used to build chains)."""
    if actor is not None and not can_manage_trust(actor):
        raise PermissionDenied(_("Only a system administrator manages trusted certificates."))
    if role not in CertificateRole.values:
        raise ValidationError({"role": [_("Choose root or intermediate.")]})
    try:
        certs = keys.load_certificates(data)
    except keys.KeyProblem as exc:
        raise ValidationError({"certificate": [_messages()["bad_certificate"]]}) from exc
    cert = certs[0]
    if not cert.ca:
        raise ValidationError({"certificate": [_("This is not a CA certificate.")]})
    fingerprint = engine.certificate_fingerprint(cert)
    if TrustedCertificate.objects.filter(fingerprint=fingerprint).exists():
        raise ValidationError({"certificate": [_("This certificate is already on the list.")]})
    trusted = TrustedCertificate.objects.create(
        role=role,
        name=(name.strip() or certificate_label(cert))[:200],
        certificate=cert.dump(),
        fingerprint=fingerprint,
        subject=certificate_label(cert)[:500],
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        added_by=actor,
    )
    record_event(
        action="signature.trust_added", actor=actor, obj=trusted, data={"sha256": fingerprint}
    )
    recheck_affected_verifications()
    return trusted


@transaction.atomic
def withdraw_trust(*, actor: User, certificate: TrustedCertificate) -> TrustedCertificate:
    if not can_manage_trust(actor):
        raise PermissionDenied(_("Only a system administrator manages trusted certificates."))
    certificate.is_active = False
    certificate.save(update_fields=["is_active"])
    record_event(action="signature.trust_withdrawn", actor=actor, obj=certificate)
    recheck_affected_verifications()
    return certificate


def _trust_store() -> tuple[list[Any], list[Any]]:
    roots: list[Any] = []
    others: list[Any] = []
    for row in TrustedCertificate.objects.active():
        cert = keys.load_certificates(bytes(row.certificate))[0]
        (roots if row.role == CertificateRole.ROOT else others).append(cert)
    return roots, others


# --- Signing credentials --------------------------------------------------------------------------


def _check_image(image: bytes) -> None:
    if not image:
        return

    try:
        with Image.open(io.BytesIO(image)) as img:
            fmt, mode = img.format, img.mode
    except Exception as exc:
        raise ValidationError({"image": [_("The image is not a PNG file.")]}) from exc
    if fmt != "PNG":
        raise ValidationError({"image": [_("The image is not a PNG file.")]})
    if mode not in {"RGBA", "LA", "P"}:
        raise ValidationError({"image": [_("The image needs a transparent background.")]})


def _read_key_material(
    *, source: str, certificate: bytes, pkcs12: bytes, passphrase: str
) -> tuple[x509.Certificate, list[x509.Certificate], bytes]:
    """The certificate, its chain and the sealed PKCS#12 file (empty unless the key comes in
    one) of a credential being registered; a file that cannot be read is a form error."""
    try:
        if source == KeySource.PKCS12:
            contents = keys.read_pkcs12(pkcs12, passphrase)
            return contents.certificate, list(contents.chain), keys.seal(pkcs12)
        certs = keys.load_certificates(certificate)
        return certs[0], list(certs[1:]), b""
    except keys.KeyProblem as exc:
        field = "pkcs12" if source == KeySource.PKCS12 else "certificate"
        raise ValidationError({field: [str(_problem(exc).message)]}) from exc


@transaction.atomic
def register_credential(
    *,
    actor: User | None,
    kind: str,
    agency: Agency,
    source: str,
    user: User | None = None,
    certificate: bytes = b"",
    pkcs12: bytes = b"",
    passphrase: str = "",
    pkcs11_module: str = "",
    pkcs11_token: str = "",
    pkcs11_key: str = "",
    remote_provider: str = "",
    remote_key_id: str = "",
    image: bytes = b"",
    image_width_mm: int | None = None,
) -> SigningCredential:
    """Put a signing certificate on file for an official (personal) or an agency (seal).
    A PKCS#12 file is opened once with the passphrase to check it, then stored sealed; the
    passphrase is not kept. For a token or a remote service, the certificate is given."""
    if actor is not None and not can_administer(actor):
        raise PermissionDenied(_("Only an administrator manages signing certificates."))
    if actor is not None and not can_manage_trust(actor) and actor.agency_id != agency.pk:
        raise PermissionDenied(_("You manage the certificates of your own agency only."))
    if kind not in CredentialKind.values:
        raise ValidationError({"kind": [_("Choose personal or agency.")]})
    if source not in KeySource.values:
        raise ValidationError({"source": [_("Choose where the key is held.")]})
    if kind == CredentialKind.PERSONAL and (user is None or user.agency_id != agency.pk):
        raise ValidationError({"user": [_("Choose an official of this agency.")]})
    if kind == CredentialKind.AGENCY:
        user = None
    cert, chain, sealed = _read_key_material(
        source=source, certificate=certificate, pkcs12=pkcs12, passphrase=passphrase
    )
    if source == KeySource.PKCS11 and not (pkcs11_module and pkcs11_token and pkcs11_key):
        raise ValidationError({"pkcs11_module": [_("Give the module, token label and key label.")]})
    if (
        source == KeySource.REMOTE
        and remote_provider not in settings.LIENTHONG_REMOTE_SIGNING_SERVICES
        and not remote.is_hash_signing_provider(remote_provider)
    ):
        raise ValidationError({"remote_provider": [_("Unknown remote signing service.")]})
    if not keys.can_sign(cert):
        raise ValidationError(
            {"certificate": [_("This certificate's key usage does not allow signing documents.")]}
        )
    validity = cert["tbs_certificate"]["validity"]
    not_after = validity["not_after"].native
    if not_after <= timezone.now():
        raise ValidationError({"certificate": [_("This certificate has expired.")]})
    _check_image(image)
    pem_chain = b"".join(pem.armor("CERTIFICATE", c.dump()) for c in chain)
    credential = SigningCredential.objects.create(
        kind=kind,
        user=user,
        agency=agency,
        source=source,
        certificate=cert.dump(),
        chain=pem_chain,
        fingerprint=engine.certificate_fingerprint(cert),
        subject=certificate_label(cert)[:500],
        issuer=issuer_label(cert)[:500],
        serial=format(cert.serial_number, "X")[:80],
        not_before=validity["not_before"].native,
        not_after=not_after,
        sealed_pkcs12=sealed,
        pkcs11_module=pkcs11_module,
        pkcs11_token=pkcs11_token,
        pkcs11_key=pkcs11_key,
        remote_provider=remote_provider,
        remote_key_id=remote_key_id,
        image=image,
        image_width_mm=image_width_mm or (36 if kind == CredentialKind.AGENCY else 40),
        added_by=actor,
    )
    record_event(
        action="signature.credential_added",
        actor=actor,
        obj=credential,
        data={"kind": kind, "source": source, "sha256": credential.fingerprint},
    )
    return credential


@transaction.atomic
def revoke_signing_rights(*, actor: User, user: User, reason: str) -> int:
    """Thu hồi quyền ký: none of the official's credentials can sign any more."""
    if not can_administer(actor) or (
        not can_manage_trust(actor) and actor.agency_id != user.agency_id
    ):
        raise PermissionDenied(_("Only an administrator of the official's agency may do this."))
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": [_("Say why the signing right is revoked.")]})
    rows = list(
        SigningCredential.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    )
    now = timezone.now()
    for credential in rows:
        credential.is_active = False
        credential.revoked_at = now
        credential.revoked_by = actor
        credential.revoke_reason = text[:500]
        credential.save(update_fields=["is_active", "revoked_at", "revoked_by", "revoke_reason"])
    record_event(
        action="signature.rights_revoked",
        actor=actor,
        obj=user,
        data={"credentials": [c.pk for c in rows], "reason": text[:500]},
    )
    if rows:
        recheck_affected_verifications(fingerprints=sorted({c.fingerprint for c in rows}))
    return len(rows)


@transaction.atomic
def revoke_credential(*, actor: User, credential: SigningCredential, reason: str) -> None:
    """Thu hồi one certificate on file (an agency's seal, or one of an official's): it cannot
    sign any more, and the files it signed are checked again (see `verify_pdf`)."""
    if not can_administer(actor) or (
        not can_manage_trust(actor) and actor.agency_id != credential.agency_id
    ):
        raise PermissionDenied(_("Only an administrator of the certificate's agency may do this."))
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    row = SigningCredential.objects.select_for_update().get(pk=credential.pk)
    if row.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."), code="revoked")
    row.is_active = False
    row.revoked_at = timezone.now()
    row.revoked_by = actor
    row.revoke_reason = text[:500]
    row.save(update_fields=["is_active", "revoked_at", "revoked_by", "revoke_reason"])
    record_event(
        action="signature.credential_revoked",
        actor=actor,
        obj=row,
        data={"kind": row.kind, "sha256": row.fingerprint, "reason": text[:500]},
    )
    recheck_affected_verifications(fingerprints=[row.fingerprint])


@transaction.atomic
def reseal_stored_keys(*, actor: User | None = None) -> int:
    """Seal every stored PKCS#12 file again under the first key of LIENTHONG_KEY_ENCRYPTION_KEY
    (rotation: the new key first, the old one after it, until this has run). Refused, changing
    nothing, when a stored key opens with none of the configured keys; returns how many."""
    if actor is not None and not can_manage_trust(actor):
        raise PermissionDenied(_("Only a system administrator re-seals the stored keys."))
    stored = list(
        SigningCredential.objects.select_for_update()
        .exclude(sealed_pkcs12=b"")
        .only("pk", "sealed_pkcs12")
        .order_by("pk")
    )
    resealed: dict[int, bytes] = {}
    unreadable: list[int] = []
    for credential in stored:
        try:
            resealed[credential.pk] = sealing.reseal(bytes(credential.sealed_pkcs12))
        except sealing.SealBroken:
            unreadable.append(credential.pk)
    if unreadable:
        raise ValidationError(
            _(
                "None of the keys in LIENTHONG_KEY_ENCRYPTION_KEY opens the stored keys of "
                "credentials %(ids)s: nothing was re-sealed. Add the key they were sealed with "
                "after the new one."
            )
            % {"ids": ", ".join(map(str, unreadable))},
            code="key_sealed",
        )
    for pk, data in resealed.items():
        SigningCredential.objects.filter(pk=pk).update(sealed_pkcs12=data)
    record_event(
        action="signature.keys_resealed",
        actor=actor,
        data={"count": len(resealed), "key_encryption_key": sealing.fingerprints()[0]},
    )
    return len(resealed)


def has_personal_credential(user: User | Any) -> bool:
    return SigningCredential.objects.personal_of(user).usable().exists()


def has_agency_credential(agency: Agency) -> bool:
    return SigningCredential.objects.of_agency(agency).usable().exists()


# --- Signing --------------------------------------------------------------------------------------


def _timestamper() -> engine.TimestampClient | None:
    url = settings.LIENTHONG_TSA_URL
    return engine.timestamp_client(url, settings.LIENTHONG_TSA_TIMEOUT_SECONDS) if url else None


def _usable(queryset: Any, missing: str) -> SigningCredential:
    credential = queryset.usable().order_by("-not_after").first()
    if credential is None:
        raise ValidationError(missing, code="no_credential")
    cert = keys.load_certificates(bytes(credential.certificate))[0]
    if not keys.can_sign(cert):
        raise ValidationError(
            _("This certificate's key usage does not allow signing documents."), code="key_usage"
        )
    return credential


def _readable(data: bytes) -> None:
    try:
        engine.open_pdf(data)
    except engine.PdfProblem as exc:
        raise _problem(exc) from exc


def _agency_fingerprints() -> set[str]:
    return set(
        SigningCredential.objects.filter(kind=CredentialKind.AGENCY).values_list(
            "fingerprint", flat=True
        )
    )


def _do_sign(
    credential: SigningCredential, secret: str, data: bytes, placement: engine.Placement, **kw: Any
) -> bytes:
    try:
        with keys.open_signer(credential, secret) as signer:
            return engine.sign(
                data, signer=signer, placement=placement, timestamper=_timestamper(), **kw
            )
    except keys.KeyProblem as exc:
        raise _problem(exc) from exc
    except engine.PdfProblem as exc:
        raise _problem(exc) from exc


def _personal_placement(
    credential: SigningCredential, data: bytes, *, name: str, position: str
) -> engine.Placement:
    """Where and how the personal signature goes (ô 7c): by the signer's name block, image and
    "Ký bởi / Thời gian ký" text side by side, with the seal's place reserved over the image's
    left third. Shared by signing on the server and by remote signing."""
    image = bytes(credential.image) if credential.image else None
    lines = [f"Ký bởi: {name}", "Thời gian ký: %(ts)s"]
    layout = engine.personal_layout(
        data,
        name=name,
        position=position,
        image=engine.image_size(image, credential.image_width_mm * MM) if image else None,
        text_lines=[lines[0], "Thời gian ký: 31/12/2026 23:59:59 +0700"],
    )
    style = engine.personal_style(image, layout, "\n".join(lines))
    reserve = ((AGENCY_FIELD, layout.page, layout.seal),)
    return engine.Placement(PERSONAL_FIELD, layout.page, layout.widget, style, reserve)


def sign_personal(
    *,
    actor: User,
    data: bytes,
    secret: str,
    signer_name: str = "",
    position: str = "",
    reason: str = "",
) -> bytes:
    """Ký phê duyệt: the competent person's PAdES signature with their handwritten signature
    image between the position line and the name (ô 7c). Refused on a PDF the agency has
    already signed (the agency signs after the person)."""
    credential = _usable(
        SigningCredential.objects.personal_of(actor),
        _("You have no valid signing certificate on file."),
    )
    _readable(data)
    existing = engine.signer_fingerprints(data)
    if AGENCY_FIELD in existing or set(existing.values()) & _agency_fingerprints():
        raise ValidationError(
            _("The agency has already signed this PDF: the personal signature comes first."),
            code="order",
        )
    if PERSONAL_FIELD in existing:
        raise ValidationError(_("This PDF already carries the personal signature."), code="order")
    placement = _personal_placement(
        credential, data, name=signer_name or actor.full_name, position=position
    )
    signed = _do_sign(
        credential,
        secret,
        data,
        placement,
        reason=reason or "Phê duyệt",
        location=credential.agency.name[:100],
    )
    record_event(
        action="signature.personal",
        actor=actor,
        obj=credential,
        data={
            "sha256": engine.certificate_fingerprint(
                keys.load_certificates(bytes(credential.certificate))[0]
            )
        },
    )
    return signed


def seal_attachment(
    *,
    document: Any,
    version: Any,
    actor: User,
    secret: str | None,
    require_personal: bool = True,
) -> Any:
    """Ký số phát hành of an issued document's file: its number and date stamped in, then the
    agency's signature, kept as a new version of the attachment (returned).

    `require_personal`: the file must carry the competent person's signature first (an issued
    draft). Without it (a one-stop result uploaded by the clerk), a file the person has signed
    gets the seal over the signature, and an unsigned file the agency's signature in text at the
    top right of page 1 (number and signing time)."""
    if version.blob.content_type != "application/pdf":
        raise ValidationError(
            _("Only a PDF can be signed digitally: upload the final version as PDF."),
            code="not_pdf",
        )
    if secret is None:
        raise ValidationError(
            {"signing_secret": [_("Enter the passphrase or PIN of the agency's certificate.")]}
        )
    with default_storage.open(version.blob.storage_name, "rb") as stored:
        data = stored.read()
    appendix = not require_personal and PERSONAL_FIELD not in engine.signer_fingerprints(data)
    signed = apply_agency_signature(
        agency=document.agency,
        actor=actor,
        data=data,
        secret=secret,
        number_and_symbol=document.number_and_symbol,
        issued_date=document.issued_date,
        appendix=appendix,
    )
    return documents.add_attachment(
        actor=actor,
        document=document,
        upload=io.BytesIO(signed),
        name=version.original_name,
        title=version.attachment.title,
        replaces=version.attachment,
        signed_update=True,
    )


def apply_agency_signature(
    *,
    agency: Agency,
    actor: User,
    data: bytes,
    secret: str,
    number_and_symbol: str = "",
    issued_date: date | None = None,
    place: str = "",
    appendix: bool = False,
) -> bytes:
    """Ký phát hành: the agency's signature (the seal) by its clerk.

    Main document: the number and date are stamped in first (when given), then the seal image
    overlaps the left third of the personal signature, which must already be there and intact.
    Annex in a separate file (`appendix=True`): top right of page 1, no image, the number and
    the signing time in ISO 8601 as text."""
    if not can_sign_for_agency(actor, agency.pk):
        raise PermissionDenied(_("Only the agency's clerk (văn thư) applies its signature."))
    credential = _usable(
        SigningCredential.objects.of_agency(agency),
        _("The agency has no valid signing certificate on file."),
    )
    _readable(data)
    existing = engine.signer_fingerprints(data)
    if AGENCY_FIELD in existing:
        raise ValidationError(_("The agency has already signed this PDF."), code="order")
    if appendix:
        when = timezone.localtime().replace(microsecond=0).isoformat()
        box = engine.appendix_box(data)
        style = engine.text_style(f"{number_and_symbol}\n{when}".strip(), size=10)
        placement = engine.Placement(APPENDIX_FIELD, 0, box, style)
    else:
        _check_personal_signature(data, signed=PERSONAL_FIELD in existing)
        if number_and_symbol:
            day = issued_date or timezone.localdate()
            line = f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}".lstrip(", ")
            data = engine.stamp_number_and_date(
                data,
                number_and_symbol=number_and_symbol,
                date_line=line,
                day=day.day,
                month=day.month,
                year=day.year,
            )
        reserved = engine.reserved_field(engine.open_pdf(data), AGENCY_FIELD)
        if reserved is not None:  # the place kept for the seal when the person signed
            page, box = reserved
        else:
            personal_box = engine.signature_boxes(engine.open_pdf(data))[PERSONAL_FIELD]
            page = _field_page(data, PERSONAL_FIELD)
            box = engine.seal_box(personal_box, SEAL_DIAMETER_MM * MM)
        if credential.image:
            style = engine.image_style(bytes(credential.image))
        else:
            style = engine.text_style(f"{agency.name}\n%(ts)s", size=8)
        placement = engine.Placement(AGENCY_FIELD, page, box, style)
    signed = _do_sign(
        credential,
        secret,
        data,
        placement,
        reason="Phát hành" if not appendix else "Phụ lục",
        location=agency.name[:100],
    )
    record_event(
        action="signature.agency",
        actor=actor,
        obj=credential,
        data={"number": number_and_symbol, "appendix": appendix},
    )
    return signed


def _check_personal_signature(data: bytes, *, signed: bool) -> None:
    """The seal goes only over an intact personal signature whose certificate is not revoked
    (by its CA, or its signing rights on this platform): that one signature is verified, with
    revocation fetched once for its chain and its timestamp's."""
    personal = None
    if signed:
        roots, others = _trust_store()
        personal = engine.verify_field(data, PERSONAL_FIELD, roots=roots, others=others)
    if personal is None:
        raise ValidationError(
            _("The competent person has not signed this PDF: the agency signs after them."),
            code="order",
        )
    (personal,) = _with_revoked_rights(
        VerificationReport(status=engine.overall_status([personal]), signatures=[personal])
    ).signatures
    if {"modified", "invalid"} & set(personal.problems):
        raise ValidationError(
            _("The personal signature on this PDF is broken: it was modified after signing."),
            code="order",
        )
    if "revoked" in personal.problems:
        raise ValidationError(
            _(
                "The signer's certificate has been revoked: the personal signature on this PDF "
                "is no longer valid, so the agency cannot seal it. Ask the signer to sign again "
                "with a valid certificate."
            ),
            code="revoked",
        )


def _field_page(data: bytes, name: str) -> int:
    reader = engine.open_pdf(data)
    for sig in reader.embedded_signatures:
        if sig.field_name == name:
            page_ref = sig.sig_field.get("/P")
            if page_ref is None and "/Kids" in sig.sig_field:
                page_ref = sig.sig_field["/Kids"][0].get_object().get("/P")
            if page_ref is not None:
                kids = [k.get_object() for k in _pages(reader)]
                target = page_ref.get_object()
                for index, page in enumerate(kids):
                    if page is target or page == target:
                        return index
    return engine.page_count(reader) - 1


def _pages(reader: Any) -> list[Any]:
    out: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            out.append(node)

    walk(reader.root["/Pages"])
    return out


# --- Verification ---------------------------------------------------------------------------------


def verify_pdf(data: bytes) -> VerificationReport:
    """Check every signature of a PDF against the configured trust roots: integrity, changes
    after signing, chain, validity at signing time, timestamp, revocation when reachable, and
    the signing rights revoked on this platform (`revoke_signing_rights`)."""
    roots, others = _trust_store()
    report = _with_revoked_rights(engine.verify(data, roots=roots, others=others))
    untrusted = [s for s in report.signatures if "untrusted" in s.problems]
    if untrusted:  # expected (the amber badge): one line for the operator, no traceback
        logger.warning(
            "signature not trusted (its CA is not on the trust list): %s",
            "; ".join(f"{s.signer or s.subject} (CA: {s.issuer})" for s in untrusted),
        )
    return report


def _revoked_fingerprints() -> dict[str, datetime]:
    revoked: dict[str, datetime] = {}
    rows = SigningCredential.objects.filter(revoked_at__isnull=False).values_list(
        "fingerprint", "revoked_at"
    )
    for fingerprint, when in rows:
        if when is None:
            continue
        revoked[fingerprint] = min(when, revoked.get(fingerprint, when))
    return revoked


def _with_revoked_rights(report: VerificationReport) -> VerificationReport:
    """A signature by a certificate whose signing right was revoked here stays valid only when
    a trusted timestamp proves it was made before the revocation: the time a signer writes in
    the signature is the signer's word, and a revoked key may write any time."""
    if not report.signatures:
        return report
    revoked = _revoked_fingerprints()
    if not revoked:
        return report
    changed = []
    for sig in report.signatures:
        since = revoked.get(sig.fingerprint)
        proven_before = (
            sig.timestamp_trusted and sig.timestamp_time is not None and sig.timestamp_time < since
            if since is not None
            else True
        )
        if since is not None and not proven_before and "revoked" not in sig.problems:
            sig = dataclasses.replace(sig, revoked=True, problems=[*sig.problems, "revoked"])
        changed.append(sig)
    return dataclasses.replace(report, signatures=changed, status=engine.overall_status(changed))


def enqueue_verification(*, blob: Blob) -> PdfVerification | None:
    """Have a stored PDF checked in the background (in the caller's transaction); idempotent.
    Returns None for files that are not PDFs."""
    if blob.content_type != "application/pdf":
        return None
    row, created = PdfVerification.objects.get_or_create(blob=blob)
    if created or row.status == VerificationStatus.PENDING:
        tasks.verify_blob.enqueue(blob.pk)
    return row


def record_verification(*, blob: Blob, report: VerificationReport) -> PdfVerification:
    with transaction.atomic():
        row, _created = PdfVerification.objects.select_for_update().get_or_create(blob=blob)
        previous = row.status
        row.status = report.status
        row.signature_count = len(report.signatures)
        row.report = report.as_dict()
        row.signer_fingerprints = " ".join(
            dict.fromkeys(s.fingerprint for s in report.signatures if s.fingerprint)
        )
        row.checked_at = timezone.now()
        row.recheck_requested_at = None
        row.save()
        record_event(
            action="signature.verified",
            obj=row,
            data={
                "status": report.status,
                "signatures": len(report.signatures),
                "previous": previous,
            },
        )
    return row


# Statuses of files that carry signatures, which trust and revocation changes may affect.
_SIGNED = [
    VerificationStatus.VALID,
    VerificationStatus.UNTRUSTED,
    VerificationStatus.INVALID,
]
# A check asked for again is not asked for a second time within this time (the job is queued).
RECHECK_PENDING_FOR = timedelta(minutes=10)


def recheck_affected_verifications(*, fingerprints: Collection[str] | None = None) -> None:
    """Trust roots or revocations changed: have the affected checks run again in the
    background (a job written in the caller's transaction, which queues one job per file)."""
    tasks.reverify_signed_files.enqueue(sorted(fingerprints) if fingerprints is not None else None)


def _recheck(row: PdfVerification, now: datetime) -> bool:
    """Queue one check again unless one is already queued; says whether it queued one."""
    updated = (
        PdfVerification.objects.filter(pk=row.pk)
        .filter(
            Q(recheck_requested_at__isnull=True)
            | Q(recheck_requested_at__lt=now - RECHECK_PENDING_FOR)
        )
        .update(recheck_requested_at=now)
    )
    if updated:
        tasks.verify_blob.enqueue(row.blob_id)
    return bool(updated)


def enqueue_rechecks(*, fingerprints: Collection[str] | None = None) -> int:
    """Queue a check again of every signed file (`fingerprints` None), or of those signed with
    one of the given certificates (and those checked before fingerprints were recorded).
    Returns how many were queued."""
    rows = PdfVerification.objects.filter(status__in=_SIGNED)
    if fingerprints is not None:
        match = Q(signer_fingerprints="")
        for fingerprint in fingerprints:
            match |= Q(signer_fingerprints__contains=fingerprint)
        rows = rows.filter(match)
    now = timezone.now()
    queued = 0
    for row in rows.only("pk", "blob_id").order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            queued += _recheck(row, now)
    return queued


def request_recheck(*, actor: User, verification: PdfVerification) -> bool:
    """Kiểm tra lại: check one file's signatures again in the background, as asked by someone
    who may see the file (the caller checked that through the access chokepoint). Returns
    False when a check is already queued."""
    with transaction.atomic():
        queued = _recheck(verification, timezone.now())
        if queued:
            record_event(
                action="signature.recheck_requested",
                actor=actor,
                obj=verification,
                data={"blob": verification.blob_id, "status": verification.status},
            )
    return queued


# --- Expiry warning (periodic) -------------------------------------------------------------------


def warn_expiring_certificates() -> int:
    """Tell the holder of a personal certificate, or the administrators and clerks of an agency
    whose seal certificate it is, once, when the certificate comes within
    LIENTHONG_CERTIFICATE_WARNING_DAYS of its end (a new one takes weeks to obtain from the CA).
    Run by the scheduler; returns how many certificates were warned about."""
    now = timezone.now()
    limit = now + timedelta(days=settings.LIENTHONG_CERTIFICATE_WARNING_DAYS)
    ids = list(
        SigningCredential.objects.filter(
            is_active=True,
            revoked_at__isnull=True,
            expiry_warned_at__isnull=True,
            not_after__lte=limit,
        ).values_list("pk", flat=True)[:500]
    )
    warned = 0
    for pk in ids:
        with transaction.atomic():
            credential = (
                SigningCredential.objects.select_for_update()
                .filter(pk=pk, expiry_warned_at__isnull=True)
                .first()
            )
            if credential is None:
                continue
            credential.expiry_warned_at = now
            credential.save(update_fields=["expiry_warned_at"])
            if credential.user_id is not None:
                recipients: list[Any] = [credential.user_id]
            else:
                recipients = list(
                    User.objects.filter(
                        agency=credential.agency_id,
                        is_active=True,
                        role_grants__role__in=[Role.AGENCY_ADMIN, Role.CLERK],
                    ).values_list("pk", flat=True)
                )
            day = timezone.localtime(credential.not_after).strftime("%d/%m/%Y")
            notify(
                recipients=recipients,
                kind=NotificationKind.CERTIFICATE_EXPIRING,
                title=(
                    _("The signing certificate “%(subject)s” expires on %(day)s")
                    if credential.not_after > now
                    else _("The signing certificate “%(subject)s” expired on %(day)s")
                )
                % {"subject": credential.subject[:120], "day": day},
                url=reverse("signatures:index"),
            )
            warned += 1
    return warned


# --- Remote signing (ký số từ xa: VNPT SmartCA, Viettel MySign, CSC API v2) ---------------------
#
# Asynchronous: `start_remote_personal_signature` prepares the PDF, keeps it in a
# `RemoteSignature` row and sends only the hash to the provider; the signer confirms on the
# phone; `settle_remote_signature` (from the provider's callback or the periodic poll) embeds the
# signature value into the kept bytes, or ends the request (refused, not confirmed in time). The
# app that asked (drafting) registers what happens then with `register_remote_handler`.


@dataclass(frozen=True)
class RemoteSigningHandler:
    """What the asking app does when a remote signature of its `purpose` is done: `signed`
    gets the signed PDF, `ended` is told of a refusal, a timeout, a failure or a cancellation.
    Both run in the transaction that settles the request; `signed` may raise ValidationError
    or PermissionDenied (the object moved on meanwhile), which ends the request as failed."""

    signed: Callable[[RemoteSignature, bytes], None]
    ended: Callable[[RemoteSignature], None]


_REMOTE_HANDLERS: dict[str, RemoteSigningHandler] = {}


def register_remote_handler(
    purpose: str,
    *,
    signed: Callable[[RemoteSignature, bytes], None],
    ended: Callable[[RemoteSignature], None],
) -> None:
    _REMOTE_HANDLERS[purpose] = RemoteSigningHandler(signed=signed, ended=ended)


def _remote_messages() -> dict[str, str]:
    return {
        "unknown_provider": _("Unknown remote signing service."),
        "provider_unreachable": _("The remote signing service cannot be reached; try again."),
        "not_owner": _("This credential does not belong to that user at the signing service."),
        "not_remote": _("Your signing certificate is not held by a remote signing service."),
    }


def _remote_problem(exc: remote.RemoteSigningError) -> ValidationError:
    message = _remote_messages().get(exc.code) or _(
        "The remote signing service refused: %(reason)s"
    ) % {"reason": str(exc)[:200]}
    return ValidationError(message, code=exc.code)


def remote_personal_credential(user: User | Any) -> SigningCredential | None:
    """The official's usable personal credential if it is held by a hash-signing remote
    service (then signing goes through `start_remote_personal_signature`)."""
    credential = SigningCredential.objects.personal_of(user).usable().order_by("-not_after").first()
    if (
        credential is not None
        and credential.source == KeySource.REMOTE
        and remote.is_hash_signing_provider(credential.remote_provider)
    ):
        return credential
    return None


@transaction.atomic
def register_remote_credential(
    *,
    actor: User | None,
    agency: Agency,
    user: User,
    provider: str,
    provider_user_id: str,
    credential_id: str,
    image: bytes = b"",
    image_width_mm: int | None = None,
) -> SigningCredential:
    """Put an official's remote signing credential on file: the provider is asked which
    credentials the user holds (the one given must be among them) and for its certificate,
    which is what signatures will carry."""
    if actor is not None and not can_administer(actor):
        raise PermissionDenied(_("Only an administrator manages signing certificates."))
    provider_user_id, credential_id = provider_user_id.strip(), credential_id.strip()
    if not provider_user_id or not credential_id:
        raise ValidationError(
            {"remote_key_id": [_("Give the user id and the credential id at the service.")]}
        )
    try:
        client = remote.client_for(provider)
        if credential_id not in client.list_credentials(user_id=provider_user_id):
            raise remote.RemoteSigningError("not the user's", "not_owner")
        info = client.credential_info(user_id=provider_user_id, credential_id=credential_id)
    except remote.RemoteSigningError as exc:
        raise ValidationError({"remote_key_id": [_remote_problem(exc).message]}) from exc
    credential = register_credential(
        actor=actor,
        kind=CredentialKind.PERSONAL,
        agency=agency,
        user=user,
        source=KeySource.REMOTE,
        certificate=b"".join(pem.armor("CERTIFICATE", c.dump()) for c in info.certificates),
        remote_provider=provider,
        remote_key_id=credential_id,
        image=image,
        image_width_mm=image_width_mm,
    )
    credential.remote_user_id = provider_user_id[:200]
    credential.save(update_fields=["remote_user_id"])
    return credential


def _callback_url(provider: str) -> str:
    path = reverse("signatures:remote-callback", kwargs={"provider": provider})
    return settings.LIENTHONG_SITE_URL.rstrip("/") + path


def start_remote_personal_signature(
    *,
    actor: User,
    data: bytes,
    purpose: str,
    object_id: int,
    signer_name: str = "",
    position: str = "",
    reason: str = "",
    description: str = "",
    file_name: str = "",
) -> RemoteSignature:
    """Ký số từ xa, first half: prepare the PDF for the competent person's signature, keep it,
    and ask the provider to have the signer confirm the hash of what is signed (nothing else
    leaves). Runs in the caller's transaction; returns the pending request."""
    credential = remote_personal_credential(actor)
    if credential is None:
        _usable(
            SigningCredential.objects.personal_of(actor),
            _("You have no valid signing certificate on file."),
        )
        raise ValidationError(_remote_messages()["not_remote"], code="not_remote")
    if purpose not in _REMOTE_HANDLERS:
        raise ValueError(f"no remote signing handler for {purpose!r}")
    _readable(data)
    existing = engine.signer_fingerprints(data)
    if AGENCY_FIELD in existing or set(existing.values()) & _agency_fingerprints():
        raise ValidationError(
            _("The agency has already signed this PDF: the personal signature comes first."),
            code="order",
        )
    if PERSONAL_FIELD in existing:
        raise ValidationError(_("This PDF already carries the personal signature."), code="order")
    cert = keys.load_certificates(bytes(credential.certificate))[0]
    chain = keys.chain_of(credential)
    placement = _personal_placement(
        credential, data, name=signer_name or actor.full_name, position=position
    )
    try:
        prepared = remote.prepare(
            data,
            cert=cert,
            chain=chain,
            placement=placement,
            reason=reason or "Phê duyệt",
            location=credential.agency.name[:100],
        )
        transaction_id = remote.client_for(credential.remote_provider).sign_hash(
            user_id=credential.remote_user_id,
            credential_id=credential.remote_key_id,
            digest=prepared.to_be_signed,
            hash_algorithm=remote.SHA256_OID,
            sign_algorithm=remote.sign_algorithm_of(cert),
            description=description[:500],
            callback_url=_callback_url(credential.remote_provider),
        )
    except remote.RemoteSigningError as exc:
        raise _remote_problem(exc) from exc
    except engine.PdfProblem as exc:
        raise _problem(exc) from exc
    row = RemoteSignature.objects.create(
        credential=credential,
        requested_by=actor,
        purpose=purpose,
        object_id=object_id,
        provider=credential.remote_provider,
        transaction_id=transaction_id[:200],
        prepared_pdf=prepared.pdf,
        document_digest=prepared.document_digest.hex(),
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attributes=prepared.signed_attributes,
        hash_sent=prepared.to_be_signed.hex(),
        file_name=file_name[:255],
        expires_at=timezone.now()
        + timedelta(seconds=settings.LIENTHONG_REMOTE_SIGNING_TIMEOUT_SECONDS),
    )
    record_event(
        action="signature.remote_requested",
        actor=actor,
        obj=row,
        data={
            "provider": row.provider,
            "transaction": row.transaction_id,
            "purpose": purpose,
            "object": object_id,
            "hash": row.hash_sent,
        },
    )
    return row


def _end_remote(row: RemoteSignature, status: str, failure: str = "") -> RemoteSignature:
    """Close a pending request without a signature (in the caller's transaction)."""
    row.status = status
    row.failure = failure[:500]
    row.finished_at = timezone.now()
    row.save(update_fields=["status", "failure", "finished_at"])
    record_event(
        action="signature.remote_ended",
        actor=None,
        obj=row,
        data={"status": status, "transaction": row.transaction_id, "failure": row.failure},
    )
    _REMOTE_HANDLERS[row.purpose].ended(row)
    return row


def settle_remote_signature(*, signature_id: int) -> RemoteSignature | None:
    """Ask the provider how a pending remote signature stands and finish it: embed the
    signature value into the kept PDF and hand it to the asking app, or end the request when
    the signer refused or did not confirm in time. Called by the provider's callback and by the
    periodic poll; idempotent (a request already settled is left as it is)."""
    row = RemoteSignature.objects.filter(pk=signature_id).first()
    if row is None or row.status != RemoteSignatureStatus.PENDING:
        return row
    expired = timezone.now() >= row.expires_at
    try:
        status = remote.client_for(row.provider).transaction_status(
            transaction_id=row.transaction_id
        )
    except remote.RemoteSigningError:
        if not expired:
            return row  # the provider is unreachable: the next poll asks again
        status = remote.TransactionStatus("expired")
    if status.state == "pending" and expired:
        status = remote.TransactionStatus("expired")
    if status.state == "pending":
        return row
    with transaction.atomic():
        row = RemoteSignature.objects.select_for_update().get(pk=signature_id)
        if row.status != RemoteSignatureStatus.PENDING:
            return row
        if status.state == "refused":
            return _end_remote(row, RemoteSignatureStatus.REFUSED)
        if status.state == "expired":
            return _end_remote(row, RemoteSignatureStatus.EXPIRED)
        credential = row.credential
        cert = keys.load_certificates(bytes(credential.certificate))[0]
        signed_attributes = bytes(row.signed_attributes)
        if not remote.check_signature_value(cert, signed_attributes, status.signature):
            return _end_remote(
                row, RemoteSignatureStatus.FAILED, "the signature value does not verify"
            )
        signed = remote.finish(
            remote.Prepared(
                pdf=bytes(row.prepared_pdf),
                document_digest=bytes.fromhex(row.document_digest),
                reserved_start=row.reserved_start,
                reserved_end=row.reserved_end,
                signed_attributes=signed_attributes,
                to_be_signed=bytes.fromhex(row.hash_sent),
            ),
            cert=cert,
            chain=keys.chain_of(credential),
            signature_value=status.signature,
            timestamper=_timestamper(),
        )
        try:
            with transaction.atomic():
                _REMOTE_HANDLERS[row.purpose].signed(row, signed)
        except (ValidationError, PermissionDenied) as exc:
            reason = "; ".join(getattr(exc, "messages", [])) or str(exc)
            return _end_remote(row, RemoteSignatureStatus.FAILED, reason)
        row.status = RemoteSignatureStatus.COMPLETED
        row.finished_at = timezone.now()
        row.save(update_fields=["status", "finished_at"])
        record_event(
            action="signature.remote_completed",
            actor=row.requested_by,
            obj=row,
            data={
                "transaction": row.transaction_id,
                "sha256": credential.fingerprint,
                "purpose": row.purpose,
                "object": row.object_id,
            },
        )
        return row


def abandon_remote_signature(*, actor: User, signature: RemoteSignature) -> RemoteSignature:
    """The signer gives up waiting (in the caller's transaction): the request ends, and a
    confirmation arriving later is ignored."""
    row = RemoteSignature.objects.select_for_update().get(pk=signature.pk)
    if row.status != RemoteSignatureStatus.PENDING:
        return row
    if row.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only who asked for this signature may cancel it."))
    return _end_remote(row, RemoteSignatureStatus.ABANDONED, "cancelled by the signer")


def pending_remote_signature(purpose: str, object_id: int) -> RemoteSignature | None:
    return RemoteSignature.objects.filter(
        purpose=purpose, object_id=object_id, status=RemoteSignatureStatus.PENDING
    ).first()


def handle_remote_callback(*, provider: str, body: bytes, signature: str) -> RemoteSignature | None:
    """A provider's callback: refused (PermissionDenied, audited) unless its HMAC matches the
    provider's webhook secret. It only says which transaction moved; the outcome is then
    asked of the provider itself and the signature value checked before use."""
    if not remote.verify_webhook(provider, body, signature):
        record_event(
            action="signature.remote_callback_refused",
            actor=None,
            data={"provider": provider[:100], "bytes": len(body)},
        )
        raise PermissionDenied("bad callback signature")
    try:
        payload = json.loads(body)
        transaction_id = str(payload["transactionID"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError("bad callback body") from exc
    row = RemoteSignature.objects.filter(provider=provider, transaction_id=transaction_id).first()
    if row is None:
        return None
    return settle_remote_signature(signature_id=row.pk)


def poll_remote_signatures() -> int:
    """Periodic: have every pending remote signature's status asked of its provider in the
    background (the path when no callback comes). Returns how many were queued."""
    ids = list(
        RemoteSignature.objects.filter(status=RemoteSignatureStatus.PENDING).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in ids:
        tasks.settle_remote_signature_task.enqueue(pk)
    return len(ids)
