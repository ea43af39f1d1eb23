"""Demo data: a national procedure code (mã TTHC) for each demo procedure. The codes are
ILLUSTRATIVE, made from the demo's own procedure numbers (T-CMU-900201-TT → 2.900201), not
looked up in the national database: each is stored with `verified` unticked."""

from __future__ import annotations

import re

from lienthong.catalogue.models import Procedure

from .models import NationalProcedureCode
from .services import set_procedure_code

_DEMO_CODE = re.compile(r"^T-CMU-(\d{6})-TT$")


def demo_code(procedure: Procedure) -> str | None:
    match = _DEMO_CODE.match(procedure.national_code)
    return f"2.{match.group(1)}" if match else None


def load_demo_dvcqg() -> int:
    """Give each demo procedure its illustrative national code (idempotent); returns how many
    were added."""
    added = 0
    for procedure in Procedure.objects.filter(dvcqg_code__isnull=True).order_by("pk"):
        code = demo_code(procedure)
        if code is None:
            continue
        set_procedure_code(actor=None, procedure=procedure, code=code, verified=False)
        added += 1
    return added


def demo_codes() -> list[str]:
    return list(NationalProcedureCode.objects.values_list("code", flat=True).order_by("code"))
