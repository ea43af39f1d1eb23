"""What every app's API shares: turning a service's refusal into the HTTP answer, and the
content negotiation of file downloads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


def as_drf_error(exc: ValidationError) -> DRFValidationError:
    """A service's ValidationError as a 400 body: field messages, or `non_field_errors`."""
    if hasattr(exc, "error_dict"):
        return DRFValidationError(exc.message_dict)
    return DRFValidationError({"non_field_errors": exc.messages})


class InsufficientStorage(APIException):
    """507: the file store is full. The request was refused as a whole; the same request may
    succeed once an administrator has made room."""

    status_code = 507
    default_code = "storage_full"


@contextmanager
def service_errors(
    general_field: str | None = None, only_codes: set[str] | None = None
) -> Iterator[None]:
    """Run a service call: ValidationError → 400, PermissionDenied → 403 with its message.

    With `general_field`, messages not about one field are reported under that field (e.g. the
    checks of an uploaded file under `file`); `only_codes` limits that to those error codes."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") and any(
            error.code == "storage_full" for error in exc.error_list
        ):
            raise InsufficientStorage({general_field or "non_field_errors": exc.messages}) from exc
        if general_field and not hasattr(exc, "error_dict"):
            codes = {error.code for error in exc.error_list}
            if only_codes is None or codes & only_codes:
                raise DRFValidationError({general_field: exc.messages}) from exc
        raise as_drf_error(exc) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


class DownloadNegotiation(BaseContentNegotiation):
    """For file downloads: whatever the client accepts, errors are answered in JSON and the
    file in its own type (no 406 for `Accept: application/pdf`)."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
