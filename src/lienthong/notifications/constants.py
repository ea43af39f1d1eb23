from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_ASSIGNMENT = "new_assignment", _("New assignment")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned to me")
    DOCUMENT_RECEIVED = "document_received", _("New document received from another agency")
    DRAFT_AWAITING_REVIEW = "draft_awaiting_review", _("Draft awaiting my review")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Signing certificate about to expire")
    DOSSIER_UPDATE = "dossier_update", _("News of my dossier")  # to an applicant
    ASSIGNMENT_COMPLETED = "assignment_completed", _("Work I assigned completed")


# Every notification appears in the platform (the bell and the list); that cannot be turned off.
# E-mail is per kind. It is on by default for what needs acting on, and off for “due soon”:
# those reminders come every working day for every open task and would bury the rest of a
# mailbox; the bell and the list already show them. Each user can change either choice.
EMAIL_BY_DEFAULT: dict[str, bool] = {
    NotificationKind.NEW_ASSIGNMENT: True,
    NotificationKind.DUE_SOON: False,
    NotificationKind.OVERDUE: True,
    NotificationKind.RETURNED: True,
    NotificationKind.DOCUMENT_RECEIVED: True,
    NotificationKind.DRAFT_AWAITING_REVIEW: True,
    NotificationKind.CERTIFICATE_EXPIRING: True,
    NotificationKind.DOSSIER_UPDATE: True,
    NotificationKind.ASSIGNMENT_COMPLETED: True,
}

TITLE_MAX_LENGTH = 300
URL_MAX_LENGTH = 500
