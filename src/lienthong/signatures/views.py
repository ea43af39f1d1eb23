"""Pages of digital signatures: one's own certificates with expiry warnings, and for
administrators the agency's certificates and the trust roots. Thin: form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lienthong.accounts.models import User
from lienthong.core import ratelimit

from . import remote, services
from .forms import CredentialForm, RevokeForm, TrustForm
from .models import SigningCredential, TrustedCertificate
from .permissions import access_verification, can_administer, can_manage_trust

# "Kiểm tra lại": at most this many checks asked for by one person per window (seconds).
RECHECK_LIMIT = 10
RECHECK_WINDOW = 60


def _flash(request: HttpRequest, exc: ValidationError | Form) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
        return
    for errors in exc.errors.values():
        for error in errors:
            messages.error(request, str(error))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    own = SigningCredential.objects.filter(user=user).order_by("-not_after")
    context: dict[str, object] = {"own": own, "can_administer": can_administer(user)}
    if can_administer(user) and user.agency_id:
        context["credentials"] = (
            SigningCredential.objects.visible_to(user)
            .filter(agency_id=user.agency_id)
            .select_related("user", "agency")
            .order_by("kind", "-not_after")
        )
        context["credential_form"] = CredentialForm(agency_id=user.agency_id)
        context["revoke_form"] = RevokeForm(agency_id=user.agency_id)
    if can_manage_trust(user):
        context["trusted"] = TrustedCertificate.objects.all()
        context["trust_form"] = TrustForm()
    return render(request, "signatures/index.html", context)


@login_required
@require_POST
def add_trust(request: HttpRequest) -> HttpResponse:
    if not can_manage_trust(request.user):
        raise PermissionDenied
    form = TrustForm(request.POST, request.FILES)
    if not form.is_valid():
        _flash(request, form)
        return redirect("signatures:index")
    try:
        services.add_trusted_certificate(
            actor=request.user,  # type: ignore[arg-type]
            data=form.cleaned_data["certificate"].read(),
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The certificate is trusted."))
    return redirect("signatures:index")


@login_required
@require_POST
def add_credential(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_administer(user) or not user.agency_id:  # type: ignore[union-attr]
        raise PermissionDenied
    assert isinstance(user, User) and user.agency is not None
    form = CredentialForm(request.POST, request.FILES, agency_id=user.agency.pk)
    if not form.is_valid():
        _flash(request, form)
        return redirect("signatures:index")
    data = form.cleaned_data
    try:
        services.register_credential(
            actor=user,
            kind=data["kind"],
            agency=user.agency,
            user=data["user"],
            source="pkcs12",
            pkcs12=data["pkcs12"].read(),
            passphrase=data["passphrase"],
            image=data["image"].read() if data["image"] else b"",
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The certificate is on file."))
    return redirect("signatures:index")


@login_required
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_administer(user) or not user.agency_id:  # type: ignore[union-attr]
        raise PermissionDenied
    assert isinstance(user, User)
    form = RevokeForm(request.POST, agency_id=user.agency_id or 0)
    if not form.is_valid():
        _flash(request, form)
        return redirect("signatures:index")
    try:
        count = services.revoke_signing_rights(
            actor=user, user=form.cleaned_data["user"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request, _("Signing rights revoked (%(count)s certificates).") % {"count": count}
        )
    return redirect("signatures:index")


@login_required
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Kiểm tra lại: check one file's signatures again (in the background)."""
    user = request.user
    assert isinstance(user, User)
    verification = access_verification(user, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    if not ratelimit.hit(
        "signature-recheck", str(user.pk), limit=RECHECK_LIMIT, window=RECHECK_WINDOW
    ):
        messages.error(request, _("Too many checks asked for: try again in a minute."))
        return redirect(back or "signatures:index")
    if services.request_recheck(actor=user, verification=verification):
        messages.success(
            request, _("The signatures are being checked again; the badge shows the result.")
        )
    else:
        messages.info(request, _("A check of these signatures is already under way."))
    return redirect(back or "signatures:index")


@csrf_exempt
@require_POST
def remote_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """A remote signing service says a transaction moved (the signer confirmed or refused on
    the phone). Authenticated by the HMAC in X-Signature, not by a session; anything else 403."""
    try:
        row = services.handle_remote_callback(
            provider=provider,
            body=request.body,
            signature=request.headers.get(remote.WEBHOOK_HEADER, ""),
        )
    except PermissionDenied:
        return JsonResponse({"error": "forbidden"}, status=403)
    except ValidationError:
        return JsonResponse({"error": "bad_request"}, status=400)
    if row is None:
        return JsonResponse({"error": "unknown_transaction"}, status=404)
    return JsonResponse({"status": row.status})
