"""REST API of dossiers and public tracking. Thin: find the dossier through the access
chokepoint (404 for missing and forbidden alike), parse input, call one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.accounts.models import Unit, User
from lienthong.catalogue.models import Procedure
from lienthong.core.api.errors import service_errors
from lienthong.core.api.schemas import STORAGE_FULL
from lienthong.core.http import user_or_404
from lienthong.core.middleware import client_ip
from lienthong.documents.models import DocumentType

from .. import services, tracking
from ..models import Consultation, Dossier, DossierStep
from ..permissions import access_dossier
from . import serializers as s


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Dossiers the caller may see: an applicant their own, an officer those whose route
    passes through their agency (unit members: their unit's)."""

    serializer_class = s.DossierSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Applicants too (their own dossiers): each action checks who may do what.
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            Dossier.objects.visible_to(self.request.user)
            .select_related("procedure", "agency")
            .order_by("-id")
        )

    def get_serializer_class(self):
        return s.DossierDetailSerializer if self.action == "retrieve" else s.DossierSerializer

    def get_object(self) -> Dossier:
        return access_dossier(self.request.user, self.kwargs["pk"])

    def _answer(self, dossier: Dossier, code: int = status.HTTP_200_OK) -> Response:
        fresh = access_dossier(self.request.user, dossier.pk)
        serializer = s.DossierDetailSerializer(fresh, context={"request": self.request})
        return Response(serializer.data, status=code)

    @extend_schema(request=s.DossierCreateSerializer, responses={201: s.DossierDetailSerializer})
    def create(self, request: Request) -> Response:
        user = user_or_404(request)
        data = s.DossierCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        procedure = Procedure.objects.published().filter(pk=v["procedure"]).first()
        if procedure is None:
            raise ValidationError({"procedure": [_("This procedure is not published.")]})
        applicant = None
        if "applicant_name" in v:
            applicant = services.Applicant(
                kind=v.get("applicant_kind", "citizen"),
                name=v["applicant_name"],
                id_number=v.get("applicant_id_number", ""),
                phone=v.get("applicant_phone", ""),
                email=v["applicant_email"],
                address=v["applicant_address"],
            )
        with service_errors():
            dossier = services.create_dossier(
                actor=user,
                procedure=procedure,
                idempotency_key=v["idempotency_key"],
                applicant=applicant,
                subject=v["subject"],
                copies=v["copies"],
                by_post=v["by_post"],
            )
        return self._answer(dossier, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.DossierPaperSerializer},
        responses={201: s.DossierDetailSerializer, 507: STORAGE_FULL},
    )
    @action(detail=True, methods=["post"])
    def papers(self, request: Request, pk: str) -> Response:
        """Attach a paper (checked by content type, size and readability)."""
        dossier = self.get_object()
        data = s.DossierPaperSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        component = None
        if data.validated_data.get("procedure_component"):
            component = dossier.procedure.components.filter(
                pk=data.validated_data["procedure_component"]
            ).first()
            if component is None:
                raise ValidationError(
                    {"procedure_component": [_("That paper belongs to another procedure.")]}
                )
        upload = data.validated_data["file"]
        with service_errors(general_field="file"):
            services.add_component(
                actor=user_or_404(request),
                dossier=dossier,
                upload=upload,
                name=upload.name,
                procedure_component=component,
            )
        return self._answer(dossier, status.HTTP_201_CREATED)

    def _act(
        self,
        request: Request,
        serializer_class: type[serializers.Serializer] | None,
        service: Callable[..., object],
    ) -> Response:
        """One dossier action: find the dossier (missing or not yours: 404 before the input is
        read), validate the input, call the service with it, map its refusals."""
        dossier = self.get_object()
        given: dict[str, Any] = {}
        if serializer_class is not None:
            data = serializer_class(data=request.data)
            data.is_valid(raise_exception=True)
            given = dict(data.validated_data)
        with service_errors():
            service(actor=user_or_404(request), dossier=dossier, **given)
        return self._answer(dossier)

    @extend_schema(request=None, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """The applicant submits the draft: it gets its code (status 1)."""
        return self._act(request, None, services.submit_dossier)

    @extend_schema(request=None, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str) -> Response:
        """The asked-for papers are attached: send them."""
        return self._act(request, None, services.resubmit_dossier)

    @extend_schema(request=None, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str) -> Response:
        """The counter receives the dossier (Mẫu 01): appointment in working hours."""
        return self._act(request, None, services.receive_dossier)

    @extend_schema(
        request=s.DossierSupplementSerializer, responses={200: s.DossierDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def supplement(self, request: Request, pk: str) -> Response:
        """Ask for papers (Mẫu 02), once at reception and once during processing."""
        return self._act(request, s.DossierSupplementSerializer, services.request_supplement)

    @extend_schema(request=s.DossierReasonSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        """Refuse at reception (Mẫu 03) or stop processing (leader of the current step)."""
        return self._act(request, s.DossierReasonSerializer, services.refuse_dossier)

    @extend_schema(request=s.DossierReasonSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._act(request, s.DossierReasonSerializer, services.withdraw_dossier)

    @extend_schema(request=s.DossierReturnSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_result(self, request: Request, pk: str) -> Response:
        return self._act(request, s.DossierReturnSerializer, services.return_result)

    @extend_schema(request=s.DossierRatingSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        return self._act(request, s.DossierRatingSerializer, services.rate_dossier)

    # --- Processing (the dossier's current step) ---------------------------------------------

    def _step(self, dossier: Dossier) -> DossierStep:
        step = DossierStep.objects.active().filter(dossier=dossier).first()
        if step is None:
            raise ValidationError(
                {"non_field_errors": [_("This dossier has no step in progress.")]}
            )
        return step

    def _on_step(self, request: Request, serializer_class, call) -> Response:
        dossier = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            call(user_or_404(request), dossier, self._step(dossier), data.validated_data)
        return self._answer(dossier)

    @extend_schema(request=s.DossierAssignSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """The unit's leader gives the current step to a handler of the unit."""

        def call(user, dossier, step, v):
            handler = User.objects.filter(pk=v["handler"], agency_id=step.agency_id).first()
            if handler is None:
                raise DjangoValidationError(
                    {"handler": _("The handler must work in the unit of this step.")}
                )
            services.assign_handler(actor=user, step=step, handler=handler)

        return self._on_step(request, s.DossierAssignSerializer, call)

    @extend_schema(request=s.DossierConsultSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def consult(self, request: Request, pk: str) -> Response:
        """The handler asks another unit's opinion, with a deadline in working days."""

        def call(user, dossier, step, v):
            unit = Unit.objects.filter(pk=v["unit"], agency_id=step.agency_id).first()
            if unit is None:
                raise DjangoValidationError({"unit": _("Ask another unit of the same agency.")})
            services.consult_unit(
                actor=user, step=step, unit=unit, question=v["question"], days=v["days"]
            )

        return self._on_step(request, s.DossierConsultSerializer, call)

    @extend_schema(request=s.DossierAnswerSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """The unit asked gives its opinion."""
        dossier = self.get_object()
        data = s.DossierAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = Consultation.objects.filter(
            pk=data.validated_data["consultation"], step__dossier=dossier
        ).first()
        if consultation is None:
            raise NotFound()
        with service_errors():
            services.answer_consultation(
                actor=user_or_404(request),
                consultation=consultation,
                answer=data.validated_data["answer"],
            )
        return self._answer(dossier)

    @extend_schema(request=s.DossierProposeSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str) -> Response:
        """The handler submits the result of the examination to the leader."""
        return self._on_step(
            request,
            s.DossierProposeSerializer,
            lambda u, d, step, v: services.propose(actor=u, step=step, text=v["text"]),
        )

    @extend_schema(request=s.DossierApproveSerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The leader approves; the dossier moves to the next step (maybe another agency)."""
        return self._on_step(
            request,
            s.DossierApproveSerializer,
            lambda u, d, step, v: services.approve_step(
                actor=u, step=step, note=v["note"], to_applicant=v["to_applicant"]
            ),
        )

    @extend_schema(request=s.DossierApologySerializer, responses={200: s.DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def apologise(self, request: Request, pk: str) -> Response:
        """Apology and a new appointment (Mẫu 04), once."""
        return self._act(request, s.DossierApologySerializer, services.apologise)

    @extend_schema(
        request={"multipart/form-data": s.DossierResultSerializer},
        responses={200: s.DossierDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def result(self, request: Request, pk: str) -> Response:
        """The clerk issues the result as an outgoing document of the competent agency."""

        def issue(*, actor: User, dossier: Dossier, **v: Any) -> object:
            document_type = DocumentType.objects.filter(pk=v["document_type"], is_active=True)
            if not document_type.exists():
                raise DjangoValidationError({"document_type": [_("Choose one of the answers.")]})
            return services.issue_result(
                actor=actor,
                dossier=dossier,
                document_type=document_type.get(),
                upload=v["file"],
                file_name=v["file"].name,
                subject=v["subject"],
                signing_secret=v.get("signing_secret"),
            )

        return self._act(request, s.DossierResultSerializer, issue)


@extend_schema(
    request=s.DossierTrackingInputSerializer,
    responses={
        200: s.DossierTrackingSerializer,
        400: OpenApiResponse(description="Malformed code."),
        404: OpenApiResponse(description="No dossier with this code and second factor."),
        403: OpenApiResponse(
            description="This code had many wrong look-ups: send `second_factor` as well."
        ),
        429: OpenApiResponse(description="Too many look-ups from this address."),
    },
)
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes([])
def track(request: Request) -> Response:
    """Follow a dossier by code and telephone or ID number, without an account. A wrong second
    factor answers exactly like an unknown code."""
    data = s.DossierTrackingInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    result = tracking.look_up(
        client=client_ip(request) or "unknown",
        code=data.validated_data["code"].upper(),
        factor=data.validated_data["factor"],
        second_factor=data.validated_data.get("second_factor", ""),
    )
    if result.limited:
        return Response(
            {"detail": _("Too many look-ups. Please try again in a few minutes.")},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    if result.needs_both:
        return Response(
            {
                "detail": _(
                    "This code has had many wrong look-ups: give both the telephone and the ID "
                    "number given in the dossier."
                ),
                "code": "second_factor_required",
            },
            status=status.HTTP_403_FORBIDDEN,
        )
    dossier = result.dossier
    if dossier is None:
        return Response(
            {"detail": _("No dossier matches this code and telephone or ID number.")},
            status=status.HTTP_404_NOT_FOUND,
        )
    return Response(s.DossierTrackingSerializer(dossier).data)
