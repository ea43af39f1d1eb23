from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.core.api.errors import service_errors

from .. import services
from ..models import Agency, Unit, User
from .serializers import AgencyCreateSerializer, AgencySerializer, UnitSerializer, UserSerializer


class AgencyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Agency]):
    """Agencies the caller may see: their own, or every agency for a system administrator."""

    serializer_class = AgencySerializer
    filterset_fields = ["kind", "parent", "code"]
    ordering = "code"

    def get_queryset(self) -> QuerySet[Agency]:
        return Agency.objects.visible_to(self.request.user)

    @extend_schema(request=AgencyCreateSerializer, responses={201: AgencySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AgencyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            agency = services.create_agency(actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    serializer_class = UnitSerializer
    filterset_fields = ["agency"]
    ordering = "id"

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.visible_to(self.request.user)


class UserViewSet(viewsets.ReadOnlyModelViewSet[User]):
    serializer_class = UserSerializer
    filterset_fields = ["agency", "unit"]
    ordering = "id"

    def get_queryset(self) -> QuerySet[User]:
        users: QuerySet[User] = User.objects.visible_to(self.request.user)
        return users.select_related("position").prefetch_related("role_grants")

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        return Response(UserSerializer(self.get_queryset().get(pk=cast(int, request.user.pk))).data)
