"""State-changing use cases of the one-stop shop, one function each, grouped by use case:

- `applicants`: an applicant's account and identity data (sign-up);
- `filing`: a dossier started on-line or at the counter, and submitted;
- `papers`: the dossier's papers (components) added and removed;
- `digitisation`: scans checked and kept as digitised papers, reused in later dossiers;
- `reception`: the counter receives a complete dossier and hands it to the first step;
- `supplements`: papers asked for (Mẫu 02) and supplied;
- `closing`: a dossier refused at the counter (Mẫu 03), stopped, or withdrawn;
- `processing`: the steps at units and agencies (assign, consult, propose, approve);
- `notes`: free notes in the history, internal or to the applicant;
- `appointments`: the appointment, the outcome, the apology and new date (Mẫu 04), the late
  warning;
- `results`: the result issued as an outgoing document and returned;
- `rating`: the applicant's rating of a closed dossier;
- `fees`: the fee paid on-line.

Shared private helpers (history entries, locking, notices) live in `_common`. Import from
here: `from lienthong.onestop.services import receive_dossier` or `services.receive_dossier`."""

from ._common import missing_components
from .applicants import ID_RE, PHONE_RE, Applicant, applicant_of, sign_up_applicant
from .appointments import apologise, outcome_of, schedule, warn_due_soon
from .closing import refuse_dossier, withdraw_dossier
from .digitisation import check_scan, paper_kind, reuse_digitised_paper
from .fees import mark_fee_paid, may_pay, payment_reference, start_fee_payment
from .filing import Paper, Reuse, create_dossier, file_dossier, submit_dossier
from .notes import add_note
from .papers import add_component, remove_component
from .processing import answer_consultation, approve_step, assign_handler, consult_unit, propose
from .rating import rate_dossier
from .reception import receive_dossier
from .results import issue_result, return_result
from .supplements import request_supplement, resubmit_dossier

__all__ = [
    "ID_RE",
    "PHONE_RE",
    "Applicant",
    "Paper",
    "Reuse",
    "add_component",
    "add_note",
    "answer_consultation",
    "apologise",
    "applicant_of",
    "approve_step",
    "assign_handler",
    "check_scan",
    "consult_unit",
    "create_dossier",
    "file_dossier",
    "issue_result",
    "mark_fee_paid",
    "may_pay",
    "missing_components",
    "outcome_of",
    "paper_kind",
    "payment_reference",
    "propose",
    "rate_dossier",
    "receive_dossier",
    "refuse_dossier",
    "remove_component",
    "request_supplement",
    "resubmit_dossier",
    "return_result",
    "reuse_digitised_paper",
    "schedule",
    "sign_up_applicant",
    "start_fee_payment",
    "submit_dossier",
    "warn_due_soon",
    "withdraw_dossier",
]
