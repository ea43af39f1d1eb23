"""Withdrawing a draft (rút dự thảo) before it is issued."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User

from ..constants import DraftAction, DraftState, EventKind
from ..models import Draft
from ..permissions import require
from ._common import _close_open_steps, _lock, _move, _record, _require_comment


@transaction.atomic
def withdraw(*, actor: User, draft: Draft, reason: str) -> Draft:
    """Rút dự thảo: the drafter or the drafting unit's leader stops it before issue."""
    draft = _lock(draft)
    acting = require(actor, draft, DraftAction.WITHDRAW)
    text = _require_comment(reason, _("Say why the draft is withdrawn."))
    before = _move(draft, DraftState.WITHDRAWN)
    _close_open_steps(draft)
    draft.save(update_fields=["state", "updated_at"])
    _record(draft, kind=EventKind.WITHDRAWN, acting=acting, from_state=before, comment=text)
    return draft
