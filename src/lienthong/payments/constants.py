"""Fixed values of on-line payment."""

from django.db import models
from django.utils.translation import gettext_lazy as _

REFERENCE_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 255
RETURN_URL_MAX_LENGTH = 500
# The gateway takes the amount as a whole number of đồng; VNPay-style gateways refuse amounts
# below 5 000 ₫ and above 10^9 ₫ (less than 1 tỷ).
MIN_AMOUNT_VND = 5_000
MAX_AMOUNT_VND = 999_999_999


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("awaiting payment")
    SUCCEEDED = "succeeded", _("paid")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class NotificationChannel(models.TextChoices):
    IPN = "ipn", _("server-to-server notification (IPN)")
    RETURN = "return", _("payer's browser returning")
