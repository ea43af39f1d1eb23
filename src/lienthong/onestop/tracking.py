"""Looking a dossier up by its code and a second factor without signing in, rate-limited
through Django's cache framework (per client address and per code)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.cache import cache

from .constants import DossierStatus
from .models import Dossier


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt under `key`; False once more than `limit` in the window."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def allowed(*, client: str, code: str) -> bool:
    limit = settings.LIENTHONG_TRACKING_LIMIT
    window = settings.LIENTHONG_TRACKING_WINDOW_SECONDS
    by_client = _hit(f"onestop:track:ip:{client}", limit, window)
    by_code = _hit(f"onestop:track:code:{code}", limit, window)
    return by_client and by_code


def _normal(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()


def find(code: str, factor: str) -> Dossier | None:
    """The dossier with this code whose telephone or ID number is `factor`; None otherwise
    (a wrong factor and an unknown code give the same answer)."""
    dossier = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .select_related("procedure", "agency")
        .filter(code=code)
        .first()
    )
    given = _normal(factor).encode()
    if dossier is None:
        hmac.compare_digest(given, b"0" * len(given))
        return None
    phone_ok = hmac.compare_digest(given, _normal(dossier.applicant_phone).encode())
    id_ok = hmac.compare_digest(given, _normal(dossier.applicant_id_number).encode())
    return dossier if (phone_ok or id_ok) and given else None
