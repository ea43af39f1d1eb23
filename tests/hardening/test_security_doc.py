"""docs/security.md's audit-event catalogue is the code's: every event name the code writes is
listed, and every listed name is still written."""

from __future__ import annotations

import re
from pathlib import Path

from lienthong.drafting.constants import EventKind
from lienthong.onestop.constants import HandOverAction
from lienthong.payments.constants import PaymentStatus

ROOT = Path(__file__).resolve().parents[2]
# record_event(action="x.y", ...) and accounts.services' _record_changes(..., action="x.y", ...)
LITERAL = re.compile(
    r'(?:record_event|_record_changes)\((?:[^()]|\([^()]*\))*?\baction="([a-z_]+\.[a-z_]+)"', re.S
)


def _code_events() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "lienthong").rglob("*.py"):
        found |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    found |= {f"draft.{kind.value}" for kind in EventKind}
    found |= {f"dossier.{action.value}" for action in HandOverAction}  # onestop.services._record
    # payments.services: the status a notification settles the payment in (never pending)
    found |= {f"payment.{status.value}" for status in PaymentStatus if status != "pending"}
    return found


def _catalogue() -> set[str]:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    section = text.split("## Audit-event catalogue", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", section, re.M))
    draft_row = next(line for line in section.splitlines() if line.startswith("| `draft.<kind>`"))
    names |= {f"draft.{kind}" for kind in re.findall(r"`([a-z_]+)`", draft_row.split("|")[2])}
    for family in ("dossier.<action>", "payment.<status>"):
        row = next(line for line in section.splitlines() if line.startswith(f"| `{family}`"))
        prefix = family.split(".")[0]
        listed = row.split("|")[2].split(":", 1)[1]
        names |= {f"{prefix}.{value}" for value in re.findall(r"`([a-z_]+)`", listed)}
    return names


def test_every_audit_event_the_code_writes_is_in_the_catalogue() -> None:
    code, catalogue = _code_events(), _catalogue()
    assert len(code) > 30
    assert not code - catalogue, f"add to docs/security.md: {sorted(code - catalogue)}"
    assert not catalogue - code, f"no longer written: {sorted(catalogue - code)}"
