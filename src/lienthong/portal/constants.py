"""The information items Decree 42/2022/NĐ-CP (Điều 10... ) requires of a state agency's portal,
each carried by a page type (docs/portal.md maps them to the demo's pages)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InformationItem(models.TextChoices):
    INTRODUCTION = "introduction", _("Introduction, functions and duties")
    ORGANISATION = "organisation", _("Organisation chart")
    LEADERS = "leaders", _("Leaders and contacts")
    STRATEGY = "strategy", _("Strategies, master plans and plans")
    PROJECTS = "projects", _("Investment projects and public procurement")
    BUDGET = "budget", _("State budget disclosure")
    RECRUITMENT = "recruitment", _("Recruitment")
    STATISTICS = "statistics", _("Statistics")
    CONSULTATION = "consultation", _("Public consultation on draft legal documents")
    SCIENCE = "science", _("Science and technology programmes and topics")
    SERVICES = "services", _("Public services and procedures")
    CONTACT = "contact", _("Contact and Q&A")


# The group of the Wagtail admin every portal editor belongs to, and the prefix of the group of
# the editors of one agency's site (portal/services.py keeps them in step with RoleGrant).
EDITORS_GROUP_PREFIX = "portal-editors:"


class FeedbackTopic(models.TextChoices):
    """What a citizen's feedback is about (Decree 20/2008, as amended by Decree 92/2017)."""

    REGULATION = "regulation", _("An administrative regulation")
    PROCEDURE = "procedure", _("The handling of an administrative procedure")
    CONDUCT = "conduct", _("Officials' conduct")
    OTHER = "other", _("Other")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received, being handled")
    ANSWERED = "answered", _("Answered")
