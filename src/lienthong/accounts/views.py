from typing import Any, cast

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from lienthong.core.middleware import client_ip

from . import services
from .forms import CodeForm, PasswordResetRequestForm, SignInForm, TurnOffTwoFactorForm
from .middleware import SESSION_HAS_DEVICE
from .models import Unit, User
from .permissions import (
    access_agency,
    access_user,
    can_manage_agency,
    has_two_factor,
    two_factor_required,
)

PENDING_KEY = "lienthong_two_factor_pending_key"


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = access_agency(request.user, pk)
    units = Unit.objects.filter(agency=agency).order_by("name")
    officials = (
        User.objects.filter(agency=agency, is_active=True)
        .select_related("unit", "position")
        .prefetch_related("role_grants")
        .order_by("position__rank", "full_name")
    )
    return render(
        request,
        "accounts/agency_detail.html",
        {"agency": agency, "units": units, "officials": officials},
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    official = access_user(request.user, pk)
    viewer = cast(User, request.user)
    can_reset = (
        can_manage_agency(viewer, official.agency)
        and (viewer.is_system_admin or not official.is_system_admin)
        and has_two_factor(official)
    )
    return render(
        request, "accounts/user_detail.html", {"official": official, "can_reset_2fa": can_reset}
    )


# --- Two-factor sign-in -------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _qr_svg(data: str) -> str:
    # Drawn here, as an inline SVG (no image service, no script): the CSP stays strict.
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code page after the password: the authenticator app's code or a backup code."""
    user = cast(User, request.user)
    if cast(Any, user).is_verified() or not has_two_factor(user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.verify_second_factor(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            request.session.cycle_key()
            if check.backup_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "You used a backup code; %(left)s remain. "
                        "Make new ones on your security page."
                    )
                    % {"left": check.backup_codes_left},
                )
            return redirect(_next_url(request))
        if check.locked_until is not None:
            seconds = max(1, int((check.locked_until - timezone.now()).total_seconds()) + 1)
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)s seconds, then try again.")
                % {"seconds": seconds},
            )
        else:
            form.add_error("code", _("The code is not right. Try again."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code and the secret in text, confirmed with a first
    code; then the backup codes, shown this once."""
    user = cast(User, request.user)
    if has_two_factor(user):
        return redirect("two-factor")
    key = request.session.get(PENDING_KEY)
    if not key:
        key = services.new_totp_key()
        request.session[PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol_totp(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            for message in exc.message_dict.get("code", exc.messages):
                form.add_error("code", message)
        else:
            otp_login(request, enrolment.device)
            request.session.cycle_key()
            request.session.pop(PENDING_KEY, None)
            request.session[SESSION_HAS_DEVICE] = True
            return render(
                request,
                "accounts/two_factor_backup_codes.html",
                {"codes": enrolment.backup_codes, "next": _next_url(request), "enrolled": True},
            )
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(services.totp_config_url(user=user, key=key))),  # noqa: S308
        "secret": services.totp_secret_text(key),
        "required": two_factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
def two_factor_security(request: HttpRequest) -> HttpResponse:
    """The official's own security page: whether two-factor sign-in is on, backup codes left;
    a POST turns it off (password and a current code), unless their role requires it."""
    user = cast(User, request.user)
    required = two_factor_required(user)
    enrolled = has_two_factor(user)
    form = TurnOffTwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.turn_off_two_factor(
                user=user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                form.add_error(None, exc)
        else:
            request.session[SESSION_HAS_DEVICE] = False
            messages.success(
                request,
                _("Two-factor sign-in is off: you now sign in with your password only."),
            )
            return redirect("two-factor")
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    context = {
        "enrolled": enrolled,
        "required": required,
        "backup_codes_left": left,
        "turn_off_form": form,
    }
    return render(request, "accounts/two_factor_security.html", context)


@login_required
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.regenerate_backup_codes(user=cast(User, request.user))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("two-factor")
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": codes, "next": "", "enrolled": False},
    )


@login_required
@require_POST
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    official = access_user(request.user, pk)
    services.reset_two_factor(actor=cast(User, request.user), user=official)
    messages.success(
        request,
        _("Two-factor sign-in of %(name)s was reset; they set it up again at their next sign-in.")
        % {"name": official},
    )
    return redirect("user-detail", pk=official.pk)


# --- Signing in, forgotten passwords ------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """The sign-in page. Citizens and businesses (the main door, LOGIN_URL) type their
    personal identification number or enterprise code; officials have a door of their own
    that asks for the user name. Both check through the identity providers
    (accounts.identity), so either door takes either kind of account."""

    form_class = SignInForm
    redirect_authenticated_user = True
    officials = False

    def get_template_names(self) -> list[str]:
        return ["accounts/login_staff.html" if self.officials else "accounts/login.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["officials"] = self.officials
        return context


def password_reset_request(request: HttpRequest) -> HttpResponse:
    """ "Forgotten password": the same answer whether or not an account has that address."""
    if request.user.is_authenticated:
        return redirect("home")
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted = services.request_password_reset(
            email=form.cleaned_data["email"], client=client_ip(request) or "unknown"
        )
        if not accepted:
            return render(
                request,
                "accounts/password_reset.html",
                {"form": PasswordResetRequestForm(), "limited": True},
                status=429,
            )
        return redirect("password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """The page the e-mailed link opens: Django checks the token (single use, expiring), the
    service sets the password. Only accounts a reset may reach."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        if (
            user is None
            or not services.password_reset_accounts(user.email).filter(pk=user.pk).exists()
        ):
            return None
        return user

    def form_valid(self, form: Any) -> HttpResponse:
        services.reset_password(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")
