"""Choices of the procedure catalogue (thủ tục hành chính)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level2022(models.TextChoices):
    """Online public service under Decree 42/2022 (replacing the 2011 levels)."""

    NONE = "", _("Not an online public service")
    FULL = "full", _("Full online (toàn trình)")
    PARTIAL = "partial", _("Partly online (một phần)")


# The forms every set of one-stop rules numbers and names (`OneStopRules.forms`): the receipt
# and appointment, the supplement request, the refusal, the apology and new date, the control
# sheet and the tracking book. A set may name more (2025: the notice of stopped processing).
RULE_FORMS = ("receipt", "supplement", "refusal", "apology", "control", "book")


class CopyKind(models.TextChoices):
    ORIGINAL = "original", _("Original (bản chính)")
    COPY = "copy", _("Copy (bản sao)")
    CERTIFIED_COPY = "certified_copy", _("Certified copy (bản sao có chứng thực)")


class StepRole(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    PROCESSING = "processing", _("Processing")
    APPROVAL = "approval", _("Approval")
    RESULT = "result", _("Result")


class GovernmentLevel(models.TextChoices):
    """Cấp thực hiện: the level of government that settles the procedure."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


# Levels of online public service under Decree 43/2011.
LEVELS_2011 = (1, 2, 3, 4)
