"""One mapping from errors to JSON `{"detail", "code"}` with a 4xx status (house rule 10)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from core.api.field_errors import field_error_message
from core.api.integrity import integrity_error_as_application_error
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError
from core.input import InputRefused

# The code an error answer carries when nothing more specific is known, by HTTP status.
STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.INVALID_INPUT,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.BODY_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
    500: ErrorCode.SERVER_ERROR,
}

# What an error answer says when the API itself did not word it (Django's own 404, 405, 500).
STATUS_DETAILS: dict[int, StrOrPromise] = {
    400: gettext_lazy("The request is not valid."),
    403: gettext_lazy("You do not have permission to do this."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("This method is not allowed here."),
    413: gettext_lazy("The request body is too large."),
    415: gettext_lazy("This content type is not accepted."),
    500: gettext_lazy("Something went wrong on our side. It has been reported; try again shortly."),
}

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def error_payload(detail: str, code: ErrorCode, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "sets", 0, "reps") -> "sets.0.reps"; ("query", "limit") -> "limit"."""
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # the endpoint's argument name says nothing to the caller
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return _application_error_response(request, exc)

    def _application_error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        response = api.create_response(
            request, error_payload(exc.message, exc.code, **exc.extra), status=exc.status_code
        )
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = {_field_name(err.get("loc", ())): field_error_message(err) for err in exc.errors}
        return api.create_response(
            request,
            error_payload(_("The request is not valid."), ErrorCode.VALIDATION_ERROR, fields=fields),
            status=422,
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = (
            {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        )
        detail = " ".join(str(m) for m in exc.messages)
        return api.create_response(
            request, error_payload(detail, ErrorCode.VALIDATION_ERROR, fields=fields), status=400
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, error_payload(_("Authentication required."), ErrorCode.NOT_AUTHENTICATED), status=401
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request,
            error_payload(str(exc) or _("You do not have permission to do this."), ErrorCode.FORBIDDEN),
            status=403,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_payload(_("Not found."), ErrorCode.NOT_FOUND), status=404)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return api.create_response(
            request,
            error_payload(_("Too many requests. Slow down and try again shortly."), ErrorCode.RATE_LIMITED),
            status=429,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, InputRefused):  # the body an endpoint reads is not JSON (core/input.py)
            refusal = exc.__cause__
            return api.create_response(request, error_payload(refusal.detail, refusal.code), status=refusal.status)
        code = ErrorCode.CSRF_FAILED if "CSRF" in str(exc) else STATUS_CODES.get(exc.status_code, ErrorCode.ERROR)
        return api.create_response(request, error_payload(str(exc), code), status=exc.status_code)

    @api.exception_handler(IntegrityError)
    def integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        """A race lost at the database (two sign-ups with one address): 409, as the service's own check."""
        mapped = integrity_error_as_application_error(exc)
        if mapped is None:
            raise exc
        return _application_error_response(request, mapped)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        """A value the database cannot store (a number beyond its column): the input's fault, 400."""
        return api.create_response(
            request,
            error_payload(_("A value is out of the range that can be stored."), ErrorCode.VALUE_OUT_OF_RANGE),
            status=400,
        )
