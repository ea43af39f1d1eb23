"""Dossier codes (mã số hồ sơ): `<agency code>-YYMMDD-NNNN`, the NNNN-th dossier the receiving
agency took on that day (Decree 61/2018 Art. 26; Circular 01/2018 Art. 19). Gap-free and unique
under concurrency: the day's counter row is locked while numbering."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency

from .constants import DOSSIER_CODE_PATTERN
from .models import DailyCounter

CODE_RE = re.compile(DOSSIER_CODE_PATTERN)
MAX_PER_DAY = 9999


def format_code(agency_code: str, day: date, number: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def is_well_formed(code: str) -> bool:
    return bool(CODE_RE.fullmatch(code))


def next_code(*, agency: Agency, day: date) -> str:
    """Hand out the next code of the agency for the day (call inside the caller's transaction:
    a rollback gives the number back, so the sequence stays gap-free)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_code must run inside a transaction")
    counter = DailyCounter.objects.select_for_update().filter(agency=agency, day=day).first()
    if counter is None:
        try:
            with transaction.atomic():
                DailyCounter.objects.create(agency=agency, day=day, last_number=0)
        except IntegrityError:  # created by a concurrent reception
            pass
        counter = DailyCounter.objects.select_for_update().get(agency=agency, day=day)
    if counter.last_number >= MAX_PER_DAY:
        raise ValidationError(_("The day's dossier numbers are exhausted."))
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_code(agency.code, day, counter.last_number)
