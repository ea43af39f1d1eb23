"""Choices of the procedure catalogue (thủ tục hành chính)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level2022(models.TextChoices):
    """Online public service under Decree 42/2022 (replacing the 2011 levels)."""

    NONE = "", _("Not an online public service")
    FULL = "full", _("Full online (toàn trình)")
    PARTIAL = "partial", _("Partly online (một phần)")


class RulesVersion(models.TextChoices):
    """The set of one-stop rules a procedure follows: Decree 61/2018 + Circular 01/2018, or
    Decree 118/2025 + Circular 03/2025."""

    V2018 = "2018", _("Decree 61/2018 and Circular 01/2018")
    V2025 = "2025", _("Decree 118/2025 and Circular 03/2025")


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
