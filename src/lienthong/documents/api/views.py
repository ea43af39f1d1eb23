"""REST API of official documents. Thin, like the pages: find the object through the access
chokepoint (404 for missing and forbidden alike), parse input, call one service."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from lienthong.core.api.errors import DownloadNegotiation, service_errors
from lienthong.core.api.schemas import STORAGE_FULL, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import clerk_or_404

from .. import services
from ..constants import NumberStatus
from ..models import Attachment, AttachmentVersion, Document, DocumentType, Register
from ..permissions import (
    access_attachment_version,
    access_document,
    access_register,
)
from .filters import DocumentFilter, DocumentKeysetPagination
from .serializers import (
    AttachmentInputSerializer,
    AttachmentVersionSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentTypeSerializer,
    DuplicatesSerializer,
    IncomingInputSerializer,
    IssueInputSerializer,
    NumberAllocationSerializer,
    OutgoingInputSerializer,
    RegisterSerializer,
    ReleaseInputSerializer,
    ReserveInputSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Invalid input: the messages of each field (`non_field_errors` for the "
    "request as a whole). Nothing is stored.",
)
# The writes are the clerk's (văn thư): to anyone else they answer 404, as a missing object.
NOT_CLERK = OpenApiResponse(
    ErrorSerializer, description="The caller is not the agency's clerk (văn thư)."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No such object, it belongs to another agency, or the caller is not the "
    "agency's clerk (văn thư).",
)


# --- Documents -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Documents the caller may see, newest first (exact matches first with `q`)",
    ),
    retrieve=extend_schema(
        summary="A document with its attachments and their versions",
        responses={200: DocumentDetailSerializer, 404: NOT_FOUND},
    ),
)
class DocumentViewSet(viewsets.ReadOnlyModelViewSet[Document]):
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = DocumentKeysetPagination

    def get_queryset(self) -> QuerySet[Document]:
        return Document.objects.visible_to(self.request.user).for_list()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(access_document(request.user, kwargs["pk"])))

    def _detail(self, document: Document) -> dict[str, Any]:
        versions = AttachmentVersion.objects.select_related("blob").order_by("-version")
        prefetch_related_objects(
            [document],
            Prefetch(
                "attachments",
                queryset=Attachment.objects.prefetch_related(Prefetch("versions", versions)),
            ),
            "recipient_agencies",
        )
        return DocumentDetailSerializer(document, context=self.get_serializer_context()).data

    def _created(self, request: Request, document: Document) -> Response:
        location = reverse("document-detail", kwargs={"pk": document.pk}, request=request)
        return Response(
            self._detail(document), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Register an incoming document (đăng ký văn bản đến)",
        description="Gives the next arrival number (số đến) of the year. If a document with the "
        "same number, symbol and issuing agency is already registered, nothing is stored and "
        "the answer is 409 with those documents; send again with `accept_duplicate: true` to "
        "register it anyway.",
        request=IncomingInputSerializer,
        responses={
            201: DocumentDetailSerializer,
            400: BAD_REQUEST,
            404: NOT_CLERK,
            409: OpenApiResponse(DuplicatesSerializer, description="Possible duplicate."),
        },
    )
    @action(detail=False, methods=["post"])
    def incoming(self, request: Request) -> Response:
        clerk = clerk_or_404(request)
        data = IncomingInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors():
            result = services.register_incoming(actor=clerk, **data.validated_data)
        if result.document is None:
            duplicates = DocumentSerializer(
                result.duplicates, many=True, context=self.get_serializer_context()
            )
            message = _(
                "A document with this number, symbol and issuing agency is already registered. "
                "Check it, then send accept_duplicate to register this one anyway."
            )
            return Response(
                {"detail": message, "duplicates": duplicates.data}, status=status.HTTP_409_CONFLICT
            )
        return self._created(request, result.document)

    @extend_schema(
        summary="Record an outgoing document before it is issued",
        request=OutgoingInputSerializer,
        responses={201: DocumentDetailSerializer, 400: BAD_REQUEST, 404: NOT_CLERK},
    )
    @action(detail=False, methods=["post"])
    def outgoing(self, request: Request) -> Response:
        clerk = clerk_or_404(request)
        data = OutgoingInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors():
            document = services.record_outgoing(actor=clerk, **data.validated_data)
        return self._created(request, document)

    @extend_schema(
        summary="Issue an outgoing document: its number, symbol and date (cấp số)",
        request=IssueInputSerializer,
        responses={
            200: DocumentDetailSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        document = access_document(request.user, pk)
        clerk = clerk_or_404(request)
        data = IssueInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors():
            document = services.issue_outgoing(
                actor=clerk,
                document=document,
                reservation=data.validated_data.get("reservation"),
                issued_date=data.validated_data.get("issued_date"),
            )
        return Response(self._detail(document))

    @extend_schema(
        summary="Attach a file, or a new version of an attachment",
        description="PDF, DOCX, XLSX, PNG, JPEG or TIFF, recognised by content. The text is "
        "read (or recognised by OCR) in the background; see `text_status`.",
        request=AttachmentInputSerializer,
        responses={
            201: AttachmentVersionSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
            507: STORAGE_FULL,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request: Request, pk: str) -> Response:
        document = access_document(request.user, pk)
        clerk = clerk_or_404(request)
        context = {**self.get_serializer_context(), "document": document}
        data = AttachmentInputSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        with service_errors(general_field="file"):
            version = services.add_attachment(
                actor=clerk,
                document=document,
                upload=upload,
                name=upload.name,
                title=data.validated_data.get("title", ""),
                replaces=data.validated_data.get("replaces"),
            )
        version = AttachmentVersion.objects.select_related("blob").get(pk=version.pk)
        return Response(
            AttachmentVersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary="An attachment version (poll `text_status` here)",
        responses={200: AttachmentVersionSerializer, 404: NOT_FOUND},
    ),
)
class AttachmentVersionViewSet(
    mixins.RetrieveModelMixin, viewsets.GenericViewSet[AttachmentVersion]
):
    serializer_class = AttachmentVersionSerializer

    def get_queryset(self) -> QuerySet[AttachmentVersion]:
        visible = Document.objects.visible_to(self.request.user)
        return AttachmentVersion.objects.filter(attachment__document__in=visible).select_related(
            "blob"
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = access_attachment_version(request.user, kwargs["pk"])
        return Response(self.get_serializer(version).data)

    @extend_schema(
        summary="Download the file of an attachment version",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, in its own content type."
            ),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=DownloadNegotiation)
    def file(self, request: Request, pk: str) -> FileResponse:
        version = access_attachment_version(request.user, pk)
        response = FileResponse(
            default_storage.open(version.blob.storage_name, "rb"),
            content_type=version.blob.content_type,
            as_attachment=True,
            filename=version.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# --- Registers and numbers -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The registers (sổ văn bản) of the caller's agency"),
    retrieve=extend_schema(responses={200: RegisterSerializer, 404: NOT_FOUND}),
)
class RegisterViewSet(viewsets.ReadOnlyModelViewSet[Register]):
    serializer_class = RegisterSerializer
    filterset_fields = ["year", "kind"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Register]:
        return Register.objects.visible_to(self.request.user)

    @extend_schema(
        summary="Numbers reserved or released in a register (not those used by documents)",
        responses={200: NumberAllocationSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def allocations(self, request: Request, pk: str) -> Response:
        register = access_register(request.user, pk)
        allocations = register.allocations.exclude(status=NumberStatus.USED).order_by("number")
        return Response(NumberAllocationSerializer(allocations, many=True).data)

    @extend_schema(
        summary="Reserve the next number of an outgoing register (lấy số trước)",
        request=ReserveInputSerializer,
        responses={
            201: NumberAllocationSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reserve(self, request: Request, pk: str) -> Response:
        register = access_register(request.user, pk)
        clerk = clerk_or_404(request)
        data = ReserveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            allocation = services.reserve_number(
                actor=clerk, register=register, note=data.validated_data["note"]
            )
        return Response(NumberAllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Release a reserved number that was not used (it is handed out again next)",
        request=ReleaseInputSerializer,
        responses={
            200: NumberAllocationSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def release(self, request: Request, pk: str) -> Response:
        register = access_register(request.user, pk)
        clerk = clerk_or_404(request)
        data = ReleaseInputSerializer(data=request.data, context={"register": register})
        data.is_valid(raise_exception=True)
        with service_errors():
            allocation = services.release_number(
                actor=clerk,
                allocation=data.validated_data["allocation"],
                reason=data.validated_data["reason"],
            )
        return Response(NumberAllocationSerializer(allocation).data)


@extend_schema_view(
    list=extend_schema(summary="Document types (loại văn bản)"),
    retrieve=extend_schema(responses={200: DocumentTypeSerializer, 404: NOT_FOUND}),
)
class DocumentTypeViewSet(viewsets.ReadOnlyModelViewSet[DocumentType]):
    serializer_class = DocumentTypeSerializer
    queryset = DocumentType.objects.all()
    filterset_fields = ["is_active", "is_copy_kind"]
    pagination_class = None
