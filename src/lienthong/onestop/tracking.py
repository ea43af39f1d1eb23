"""Looking a dossier up by its code and a second factor (the telephone or the ID number given in
it) without signing in, limited in the shared cache (core.ratelimit), so every web process counts
the same attempts:

- per client address, every look-up: LIENTHONG_TRACKING_LIMIT in LIENTHONG_TRACKING_WINDOW_SECONDS;
- per dossier code, only the wrong ones: after LIENTHONG_TRACKING_CODE_FAILURES wrong look-ups in
  LIENTHONG_TRACKING_CODE_WINDOW_SECONDS (from any number of addresses), the code answers only to
  both factors together, telephone and ID number. Many addresses guessing one applicant's
  telephone then face both at once; the applicant, who knows both, is never shut out by
  strangers, as a plain per-code limit would do.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings

from lienthong.core import ratelimit

from .constants import DossierStatus
from .models import Dossier


@dataclass(frozen=True)
class LookUp:
    dossier: Dossier | None = None
    limited: bool = False  # too many look-ups from this address: nothing was checked
    needs_both: bool = False  # this code answers only to the telephone and the ID number


def look_up(*, client: str, code: str, factor: str, second_factor: str = "") -> LookUp:
    if not ratelimit.hit(
        "track-address",
        client,
        limit=settings.LIENTHONG_TRACKING_LIMIT,
        window=settings.LIENTHONG_TRACKING_WINDOW_SECONDS,
    ):
        return LookUp(limited=True)
    guessed = ratelimit.count("track-code", code) >= settings.LIENTHONG_TRACKING_CODE_FAILURES
    if guessed and not _normal(second_factor):
        return LookUp(needs_both=True)  # the answer does not depend on the factor given
    dossier = find(code, factor, second_factor)
    if dossier is None:
        ratelimit.add("track-code", code, window=settings.LIENTHONG_TRACKING_CODE_WINDOW_SECONDS)
    return LookUp(dossier=dossier, needs_both=guessed and dossier is None)


def _normal(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()


def find(code: str, factor: str, second_factor: str = "") -> Dossier | None:
    """The dossier with this code whose telephone or ID number is `factor` (and, when
    `second_factor` is given, whose other one is that); None otherwise (a wrong factor and an
    unknown code give the same answer)."""
    dossier = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .select_related("procedure", "agency")
        .filter(code=code)
        .first()
    )
    given, second = _normal(factor).encode(), _normal(second_factor).encode()
    if dossier is None:
        hmac.compare_digest(given, b"0" * len(given))
        return None
    phone = _normal(dossier.applicant_phone).encode()
    id_number = _normal(dossier.applicant_id_number).encode()
    phone_ok = hmac.compare_digest(given, phone)
    id_ok = hmac.compare_digest(given, id_number)
    if not given or not (phone_ok or id_ok):
        return None
    if second and not hmac.compare_digest(second, id_number if phone_ok else phone):
        return None
    return dossier
