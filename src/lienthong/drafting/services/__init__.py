"""State-changing use cases of drafts, from the first version to the issued document
(Decree 30/2020, Điều 10 to 14). Each one checks who acts and the draft's state, changes it
along the transition table, appends to the draft's history, writes the audit event and
notifies whoever acts next — in one transaction.

Services that take a file check it before anything is written and store it content-addressed
(documents.uploads); if the transaction fails, a newly stored file is removed again.

The use cases live in modules named for them: `composing` (create, update, upload a version),
`reviewing` (submit, review, comments, send to the signer), `signing` (the signer's decision and
the digital signature), `withdrawal`, `issue` and `remote_signing`; `_common` holds the private
helpers they share. Import them from here: `from lienthong.drafting.services import issue_draft`."""

from .composing import (
    EDITABLE_FIELDS,
    can_be_replied_to,
    create_draft,
    update_draft,
    upload_version,
)
from .issue import issue_draft
from .remote_signing import (
    REMOTE_PURPOSE,
    abandon_remote_signing,
    refresh_remote_signing,
    register_remote_signing,
    start_remote_signing,
)
from .reviewing import give_comment, request_comments, review, send_to_signer, submit_for_review
from .signing import (
    approval_needs_signature,
    sign_draft,
    sign_off,
    signature_line,
    signing_required,
)
from .withdrawal import withdraw

__all__ = [
    "EDITABLE_FIELDS",
    "REMOTE_PURPOSE",
    "abandon_remote_signing",
    "approval_needs_signature",
    "can_be_replied_to",
    "create_draft",
    "give_comment",
    "issue_draft",
    "refresh_remote_signing",
    "register_remote_signing",
    "request_comments",
    "review",
    "send_to_signer",
    "sign_draft",
    "sign_off",
    "signature_line",
    "signing_required",
    "start_remote_signing",
    "submit_for_review",
    "update_draft",
    "upload_version",
    "withdraw",
]
