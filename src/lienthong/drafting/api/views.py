"""REST API of drafts. Thin, like the pages: find the draft through the access chokepoint
(404 for missing and forbidden alike), parse input, call one service, answer the draft."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.files.storage import default_storage
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from lienthong.core.api.errors import DownloadNegotiation, service_errors
from lienthong.core.api.schemas import STORAGE_FULL, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import official_or_404

from .. import services
from ..constants import DraftState
from ..models import Draft, DraftEvent, DraftVersion, ReviewStep
from ..permissions import access_draft, access_draft_version
from .serializers import (
    DraftCommentInputSerializer,
    DraftCommentRequestInputSerializer,
    DraftCreateSerializer,
    DraftDetailSerializer,
    DraftIssueInputSerializer,
    DraftNoteInputSerializer,
    DraftReviewInputSerializer,
    DraftSerializer,
    DraftSignOffInputSerializer,
    DraftUpdateSerializer,
    DraftVersionInputSerializer,
    DraftVersionSerializer,
    DraftWithdrawInputSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Invalid input, or the draft's state does not allow this: the messages of "
    "each field (`non_field_errors` for the request as a whole). Nothing is changed.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="The caller may see the draft but not do this (e.g. a specialist approving "
    "or signing, a signer outside the period of their authorisation). Nothing is changed.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such draft, or the caller may not see it."
)


# Codes of documents.uploads.check_upload: messages about the uploaded file.
UPLOAD_ERROR_CODES = {
    "empty",
    "too_large",
    "bad_type",
    "encrypted_pdf",
    "bad_pdf",
    "bad_zip",
    "zip_bomb",
}


class DraftFilter(django_filters.FilterSet):
    box = django_filters.ChoiceFilter(
        choices=[
            ("mine", "mine"),
            ("awaiting", "awaiting"),
        ],
        method="_box",
        label="`mine`: drafts the caller created; `awaiting`: drafts on which the caller (or "
        "whoever authorised them) has to act now. Empty: every draft the caller may see.",
    )
    state = django_filters.ChoiceFilter(choices=DraftState.choices)

    class Meta:
        model = Draft
        fields: list[str] = []

    def _box(self, queryset: QuerySet[Draft], name: str, value: str) -> QuerySet[Draft]:
        user = self.request.user if self.request is not None else None
        if value == "mine":
            return queryset.created_by_user(user)  # type: ignore[attr-defined]
        if value == "awaiting":
            return queryset.awaiting_action_of(user)  # type: ignore[attr-defined]
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Drafts the caller may see, newest first"),
)
class DraftViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Draft]):
    serializer_class = DraftSerializer
    filterset_class = DraftFilter
    ordering = "-id"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Draft]:
        return Draft.objects.visible_to(self.request.user).for_list()

    def _detail(self, draft: Draft, *, code: int = status.HTTP_200_OK) -> Response:
        draft = Draft.objects.select_related("document").get(pk=draft.pk)
        prefetch_related_objects(
            [draft],
            Prefetch("versions", DraftVersion.objects.select_related("blob").order_by("number")),
            Prefetch("steps", ReviewStep.objects.order_by("round", "order", "id")),
            Prefetch("events", DraftEvent.objects.select_related("version")),
            "recipient_agencies",
        )
        data = DraftDetailSerializer(draft, context=self.get_serializer_context()).data
        headers = {}
        if code == status.HTTP_201_CREATED:
            headers["Location"] = reverse(
                "draft-detail", kwargs={"pk": draft.pk}, request=self.request
            )
        return Response(data, status=code, headers=headers)

    @extend_schema(
        summary="A draft with its versions, route, history and the caller's allowed actions",
        responses={200: DraftDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(access_draft(request.user, pk))

    @extend_schema(
        summary="Start a draft (dự thảo) in the caller's unit",
        description="JSON, or multipart with the first version's `file`. The signer is a "
        "leader of the agency; KT., TUQ. and TL. name the head signed for (`on_behalf_of`); "
        "TUQ. needs the head's written authorisation to the signer that is not over.",
        request=DraftCreateSerializer,
        responses={
            201: DraftDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            507: STORAGE_FULL,
        },
    )
    def create(self, request: Request) -> Response:
        user = official_or_404(request)
        data = DraftCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("file", None)
        with service_errors("file", UPLOAD_ERROR_CODES):
            draft = services.create_draft(
                actor=user,
                upload=upload,
                file_name=upload.name if upload is not None else "",
                **values,
            )
        return self._detail(draft, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft's particulars (the drafter, while drafting or returned)",
        request=DraftUpdateSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        user = official_or_404(request)
        data = DraftUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.update_draft(actor=user, draft=draft, **data.validated_data)
        return self._detail(draft)

    @extend_schema(
        summary="Upload a new version of the draft's file (the earlier ones are kept)",
        request={"multipart/form-data": DraftVersionInputSerializer},
        responses={
            201: DraftVersionSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            507: STORAGE_FULL,
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def versions(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        user = official_or_404(request)
        data = DraftVersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        with service_errors("file", UPLOAD_ERROR_CODES):
            version = services.upload_version(
                actor=user,
                draft=draft,
                upload=upload,
                name=upload.name,
                note=data.validated_data.get("note", ""),
            )
        version = DraftVersion.objects.select_related("blob").get(pk=version.pk)
        return Response(
            DraftVersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Submit the draft to the drafting unit's leader (trình)",
        request=DraftNoteInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.submit_for_review(
                actor=official_or_404(request),
                draft=draft,
                comment=data.validated_data.get("comment", ""),
            )
        return self._detail(draft)

    @extend_schema(
        summary="The drafting unit's leader approves the draft or returns it with comments",
        request=DraftReviewInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.review(
                actor=official_or_404(request),
                draft=draft,
                decision=data.validated_data["decision"],
                comment=data.validated_data.get("comment", ""),
            )
        return self._detail(draft)

    @extend_schema(
        summary="Ask other units' leaders for comments (xin ý kiến), parallel or sequential",
        request=DraftCommentRequestInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="request-comments")
    def request_comments(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftCommentRequestInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.request_comments(
                actor=official_or_404(request),
                draft=draft,
                units=data.validated_data["units"],
                mode=data.validated_data["mode"],
                note=data.validated_data.get("note", ""),
            )
        return self._detail(draft)

    @extend_schema(
        summary="Give the comment asked of the caller's unit (góp ý)",
        request=DraftCommentInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftCommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.give_comment(
                actor=official_or_404(request), draft=draft, comment=data.validated_data["comment"]
            )
        return self._detail(draft)

    @extend_schema(
        summary="Send the approved draft to its signer (trình ký)",
        request=DraftNoteInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="send-to-signer")
    def send_to_signer(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.send_to_signer(
                actor=official_or_404(request),
                draft=draft,
                comment=data.validated_data.get("comment", ""),
            )
        return self._detail(draft)

    @extend_schema(
        summary="The signer approves the draft for issue, or returns it",
        description="Multipart with `file` to approve (or return) an edited version: it "
        "becomes a new version, and on approval the one that is issued.",
        request=DraftSignOffInputSerializer,
        responses={
            200: DraftDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            507: STORAGE_FULL,
        },
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftSignOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        with service_errors("file", UPLOAD_ERROR_CODES):
            draft = services.sign_off(
                actor=official_or_404(request),
                draft=draft,
                decision=data.validated_data["decision"],
                comment=data.validated_data.get("comment", ""),
                upload=upload,
                file_name=upload.name if upload is not None else "",
                signing_secret=data.validated_data.get("signing_secret"),
            )
        return self._detail(draft)

    @extend_schema(
        summary="Withdraw the draft before it is issued",
        request=DraftWithdrawInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftWithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.withdraw(
                actor=official_or_404(request), draft=draft, reason=data.validated_data["reason"]
            )
        return self._detail(draft)

    @extend_schema(
        summary="Issue the approved draft (the clerk): the outgoing document, numbered",
        description="Records the outgoing document from the draft, attaches the signed "
        "version's file and gives it its number, symbol and date; `document` and "
        "`document_number` of the answer name it.",
        request=DraftIssueInputSerializer,
        responses={200: DraftDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        draft = access_draft(request.user, pk)
        data = DraftIssueInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors():
            draft = services.issue_draft(
                actor=official_or_404(request),
                draft=draft,
                issued_date=data.validated_data.get("issued_date"),
                reservation=data.validated_data.get("reservation"),
                signing_secret=data.validated_data.get("signing_secret"),
            )
        return self._detail(draft)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A version of a draft's file",
        responses={200: DraftVersionSerializer, 404: NOT_FOUND},
    ),
)
class DraftVersionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[DraftVersion]):
    serializer_class = DraftVersionSerializer

    def get_queryset(self) -> QuerySet[DraftVersion]:
        visible = Draft.objects.visible_to(self.request.user)
        return DraftVersion.objects.filter(draft__in=visible).select_related("blob")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = access_draft_version(request.user, kwargs["pk"])
        return Response(self.get_serializer(version).data)

    @extend_schema(
        summary="Download the file of a draft version",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in its own content type."
            ),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=DownloadNegotiation)
    def file(self, request: Request, pk: str) -> FileResponse:
        version = access_draft_version(request.user, pk)
        response = FileResponse(
            default_storage.open(version.blob.storage_name, "rb"),
            content_type=version.blob.content_type,
            as_attachment=True,
            filename=version.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
