"""What a signature badge says, in three states a person understands:

- valid (green): every signature intact and trusted, and — where the file belongs to a
  document — the personal signature is the document's signer's and the seal is the issuing
  agency's;
- untrusted (amber): intact and otherwise valid, but a certificate does not chain to a root on
  our trust list ("chưa xác định được nguồn tin cậy"), with the issuer's name;
- invalid (red): modified, broken, revoked, expired or signed by someone else, with the reason.

Who should have signed is an `Expectation`: the certificates on file (SigningCredential) for
the signer and for the issuing agency, compared by SHA-256 fingerprint; by name only when the
signer or agency has none on file (an agency outside the platform)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .constants import (
    AGENCY_FIELD,
    APPENDIX_FIELD,
    PERSONAL_FIELD,
    CredentialKind,
    SignatureProblem,
)
from .models import PdfVerification, SigningCredential

SEAL_FIELDS = {AGENCY_FIELD, APPENDIX_FIELD}


def _fold(text: str) -> str:
    """Case-, space- and accent-insensitive form of a name ("Sở Tư pháp" = "SỞ TƯ PHÁP")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def same_name(certified: str, expected: str) -> bool:
    """A name in a certificate names the expected person or agency: the same words, or one
    holds the other whole ("Sở Tư pháp" on the document, "Sở Tư pháp tỉnh Cà Mau" in the
    certificate), accents, case and spacing aside."""
    a, b = _fold(certified), _fold(expected)
    if not a or not b:
        return False
    return a == b or f" {b} " in f" {a} " or f" {a} " in f" {b} "


@dataclass(frozen=True)
class Expectation:
    """Who should have signed a file: the document's signer and its issuing agency."""

    signer_name: str = ""
    signer_fingerprints: frozenset[str] = frozenset()
    agency_name: str = ""
    agency_fingerprints: frozenset[str] = frozenset()


def expectation(
    *, agency: Any = None, agency_name: str = "", signer: Any = None, signer_name: str = ""
) -> Expectation:
    """The expectation for a file signed by `signer` (a user, or only a name) for `agency` (an
    Agency on the platform, or only a name). A signer given by name is looked up among the
    agency's officials with a personal certificate on file."""
    agency_fps: frozenset[str] = frozenset()
    signer_fps: frozenset[str] = frozenset()
    if agency is not None:
        agency_name = agency_name or agency.name
        agency_fps = frozenset(
            SigningCredential.objects.filter(kind=CredentialKind.AGENCY, agency=agency).values_list(
                "fingerprint", flat=True
            )
        )
    if signer is not None:
        signer_name = signer_name or signer.full_name
        signer_fps = frozenset(
            SigningCredential.objects.personal_of(signer).values_list("fingerprint", flat=True)
        )
    elif signer_name and agency is not None:
        wanted = _fold(signer_name)
        rows = SigningCredential.objects.filter(
            kind=CredentialKind.PERSONAL, agency=agency
        ).values_list("fingerprint", "user__full_name")
        signer_fps = frozenset(fp for fp, name in rows if _fold(name or "") == wanted)
    return Expectation(
        signer_name=signer_name,
        signer_fingerprints=signer_fps,
        agency_name=agency_name,
        agency_fingerprints=agency_fps,
    )


def expectation_for_document(document: Any) -> Expectation:
    """A document's files should carry its signer's signature (`signer_name`, ô 7c) and the
    seal of the agency that issued it: ours for an outgoing document, the sender for an
    incoming one. Kept on the document, so a page with many files asks once."""
    cached = getattr(document, "_signature_expectation", None)
    if cached is not None:
        return cached
    if document.direction == "outgoing":
        agency, agency_name = document.agency, document.agency.name
    else:
        agency, agency_name = document.issuer_agency, document.issuer_name
    found = expectation(agency=agency, agency_name=agency_name, signer_name=document.signer_name)
    document._signature_expectation = found
    return found


@dataclass(frozen=True)
class Badge:
    state: str  # valid, untrusted, invalid, pending, unsigned, unreadable
    label: str
    reasons: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    rechecking: bool = False

    @property
    def tone(self) -> str:
        return {"valid": "green", "untrusted": "amber", "invalid": "red"}.get(self.state, "grey")


def _is_seal(line: dict[str, Any], wanted: Expectation) -> bool:
    if line.get("field_name") in SEAL_FIELDS:
        return True
    if line.get("field_name") == PERSONAL_FIELD:
        return False
    return bool(line.get("fingerprint")) and line["fingerprint"] in wanted.agency_fingerprints


def _mismatches(lines: Iterable[dict[str, Any]], wanted: Expectation) -> list[str]:
    reasons: list[str] = []
    for line in lines:
        fingerprint = str(line.get("fingerprint") or "")
        name = str(line.get("signer") or "?")
        if _is_seal(line, wanted):
            if not wanted.agency_name and not wanted.agency_fingerprints:
                continue
            if wanted.agency_fingerprints and fingerprint:
                ok = fingerprint in wanted.agency_fingerprints
            else:
                ok = any(
                    same_name(str(line.get(key) or ""), wanted.agency_name)
                    for key in ("organisation", "signer")
                )
            if not ok:
                reasons.append(
                    _(
                        "The seal is not the issuing agency's: it was made with the certificate "
                        "of “%(who)s”, not of “%(agency)s”."
                    )
                    % {"who": line.get("organisation") or name, "agency": wanted.agency_name}
                )
        else:
            if not wanted.signer_name and not wanted.signer_fingerprints:
                continue
            if wanted.signer_fingerprints and fingerprint:
                ok = fingerprint in wanted.signer_fingerprints
            else:
                # A person's name must be the same (an agency's may be written shorter).
                ok = _fold(name) == _fold(wanted.signer_name)
            if not ok:
                reasons.append(
                    _("Signed by “%(who)s”, not by the document's signer “%(signer)s”.")
                    % {"who": name, "signer": wanted.signer_name}
                )
    return reasons


def _issuer_name(line: dict[str, Any]) -> str:
    details = line.get("details")
    if details is not None and details.issuer.label:
        return str(details.issuer.organization_name or details.issuer.common_name)
    return str(line.get("issuer") or "?")


def badge_for(check: PdfVerification | None, wanted: Expectation | None = None) -> Badge | None:
    """The badge of one recorded check (None for a file that is not checked: not a PDF)."""
    if check is None:
        return None
    rechecking = check.recheck_requested_at is not None
    if check.status in {"pending", "unsigned", "unreadable"}:
        return Badge(state=check.status, label=str(check.get_status_display()))
    lines = check.signature_lines()
    reasons: list[str] = []
    issuers: list[str] = []
    for line in lines:
        name = str(line.get("signer") or "?")
        # Known problems in words (an engine failure also records the exception's class name).
        problems = [
            p for p in line.get("problems", []) if p != "untrusted" and p in SignatureProblem.values
        ]
        labels = dict(zip(line.get("problems", []), line["problem_labels"], strict=False))
        for problem in problems:
            reasons.append(f"{name}: {labels.get(problem, problem)}")
        if "untrusted" in line.get("problems", []):
            issuers.append(_issuer_name(line))
    if wanted is not None:
        reasons += _mismatches(lines, wanted)
    if reasons or (check.status == "invalid" and not issuers):
        return Badge(
            state="invalid",
            label=_("Invalid signature"),
            reasons=reasons or [str(check.get_status_display())],
            rechecking=rechecking,
        )
    if issuers:
        return Badge(
            state="untrusted",
            label=_("Valid signature, trust source not established"),
            issuers=list(dict.fromkeys(issuers)),
            rechecking=rechecking,
        )
    return Badge(state="valid", label=_("Valid signature"), rechecking=rechecking)
