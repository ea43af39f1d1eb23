"""Background jobs of the accounts app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from lienthong.core.jobs import retrying

from . import services
from .models import User


def password_reset_link(user: User) -> str:
    """The single-use link: Django's token covers the password's hash and the last sign-in, so
    it stops working once used, and after PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return str(settings.LIENTHONG_SITE_URL).rstrip("/") + path


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=5, base_delay=30.0)
def send_password_reset(user_id: int) -> str:
    """E-mail a reset link to one account (checked again: it may have changed since)."""
    if not settings.LIENTHONG_EMAIL_ENABLED:
        return "not sent: e-mail is off"
    user = User.objects.filter(pk=user_id).first()
    if user is None or not services.password_reset_accounts(user.email).filter(pk=user.pk).exists():
        return "not sent: the account no longer takes a reset"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": user.full_name or user.get_username(),
            "link": password_reset_link(user),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    ).send()
    return "sent"
