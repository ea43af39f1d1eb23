"""System check: the demo root CA (`demo.py`) must never be trusted outside a demo. Run by
`migrate` and `lienthong check --database default` (it reads the trust list)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from .demo import demo_root_trusted


@register(Tags.database)
def demo_root_not_trusted(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.LIENTHONG_DEMO or not databases:
        return []

    try:
        rows = demo_root_trusted()
    except DatabaseError:  # not migrated yet: nothing trusted
        return []
    return [
        Error(
            f"The demo root CA “{row.name}” (SHA-256 {row.fingerprint}) is on the trust list, "
            "but this is not a demo installation (LIENTHONG_DEMO is off): signatures made with "
            "the demo certificates, which anyone with this code can make, would show as valid.",
            hint="Withdraw it (Chữ ký số → Chứng thư tin cậy), or set LIENTHONG_DEMO=1 on a demo "
            "installation. See docs/trust-roots.md.",
            obj=row,
            id="signatures.E001",
        )
        for row in rows
    ]
