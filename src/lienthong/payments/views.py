"""The gateway's two ways back into the platform (IPN, the payer's return) and the payer's
page of a payment."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .constants import NotificationChannel
from .permissions import SESSION_KEY, access_payment
from .providers import Answer, InvalidNotification, get_provider
from .services import handle_notification

logger = logging.getLogger(__name__)


def _params(request: HttpRequest) -> dict[str, str]:
    data = request.POST if request.method == "POST" else request.GET
    return {key: data.get(key, "") for key in data}


@csrf_exempt  # called by the gateway, authenticated by its signature
@require_http_methods(["GET", "POST"])
def ipn(request: HttpRequest) -> JsonResponse:
    """The gateway's server-to-server notification. Always answered 200 with the protocol's
    JSON `{"RspCode", "Message"}`: the code tells the gateway whether to send it again."""
    provider = get_provider()
    try:
        outcome = handle_notification(
            params=_params(request),
            channel=NotificationChannel.IPN,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    except InvalidNotification as exc:
        logger.warning("payment IPN refused: %s", "; ".join(exc.messages))
        return JsonResponse(provider.answer(Answer.BAD_SIGNATURE))
    except Exception:
        # The change was rolled back (e.g. a listener of payment_succeeded failed): the
        # gateway is told so and sends the notification again later.
        logger.exception("payment IPN failed")
        return JsonResponse(provider.answer(Answer.ERROR))
    return JsonResponse(outcome.body)


@require_GET
def return_view(request: HttpRequest) -> HttpResponse:
    """The payer's browser sent back by the gateway with the signed result: apply it (if the
    IPN has not yet), then show the payment."""
    try:
        outcome = handle_notification(
            params=_params(request),
            channel=NotificationChannel.RETURN,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    except InvalidNotification as exc:
        return render(request, "payments/invalid_return.html", {"errors": exc.messages}, status=400)
    if outcome.payment is None:
        return render(request, "payments/invalid_return.html", {"errors": []}, status=404)
    returned = list(request.session.get(SESSION_KEY, []))[-19:]
    if outcome.payment.txn_ref not in returned:
        request.session[SESSION_KEY] = [*returned, outcome.payment.txn_ref]
    return redirect(outcome.payment)


@require_GET
def payment_detail(request: HttpRequest, txn_ref: str) -> HttpResponse:
    payment = access_payment(request.user, txn_ref, returned=request.session.get(SESSION_KEY, []))
    return render(request, "payments/detail.html", {"payment": payment})
