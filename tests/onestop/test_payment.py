"""The fee of a level-4 procedure paid on-line through the payments app, against the local
gateway simulator: the signed notification marks the dossier's fee paid once, a replay
changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.onestop import services
from lienthong.onestop.constants import HandOverAction
from lienthong.onestop.models import HandOver
from lienthong.payments.services import handle_notification
from tests.onestop.conftest import filed_online
from tests.payments.conftest import browser, gateway, pay, query  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_level_4_fee_is_paid_online_once(world, gateway, pay) -> None:  # noqa: F811
    world.procedure.level_2011 = 4
    world.procedure.fee_vnd = 150_000
    world.procedure.save()
    draft = filed_online(world)
    assert not services.may_pay(draft)  # no code yet
    dossier = services.submit_dossier(actor=world.citizen, dossier=draft)
    assert services.may_pay(dossier)
    with pytest.raises(PermissionDenied):
        services.start_fee_payment(actor=world.counter, dossier=dossier, return_url="/")
    payment = services.start_fee_payment(
        actor=world.citizen, dossier=dossier, return_url=f"/cong-dan/ho-so/{dossier.pk}/"
    )
    assert payment.amount_vnd == 150_000 and payment.reference == f"HS-{dossier.code}"
    result = query(pay(payment.redirect_url, "pay").location)
    handle_notification(params=result)
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None and dossier.payment_reference == payment.reference
    handle_notification(params=result, channel="return")  # the same notification again
    assert HandOver.objects.filter(dossier=dossier, action=HandOverAction.FEE_PAID).count() == 1
    assert not services.may_pay(dossier)
    with pytest.raises(ValidationError):
        services.start_fee_payment(actor=world.citizen, dossier=dossier, return_url="/")
