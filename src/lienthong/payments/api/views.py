"""REST API of payments: the caller's own payments (a superuser's: all), read-only. Payments
are started by the app that charges the fee (e.g. the one-stop shop), not through this API;
the gateway's notification comes in at the IPN address of docs/payments.md."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from ..models import Payment
from .serializers import PaymentSerializer


@extend_schema_view(
    list=extend_schema(summary="My payments, newest first"),
    retrieve=extend_schema(summary="One of my payments, by its transaction reference"),
)
class PaymentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Payment]
):
    serializer_class = PaymentSerializer
    lookup_field = "txn_ref"
    permission_classes = [IsAuthenticated]  # applicants pay their fees
    ordering = "-id"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.visible_to(self.request.user).order_by("-id")
