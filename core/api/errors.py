"""One mapping from errors to JSON `{"detail", "code"}` with a 4xx status (house rule 10)."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from core.exceptions import ApplicationError


def error_payload(detail: str, code: str, **extra: Any) -> dict[str, Any]:
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
        response = api.create_response(
            request, error_payload(exc.message, exc.code, **exc.extra), status=exc.status_code
        )
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = {_field_name(err.get("loc", ())): err.get("msg", "") for err in exc.errors}
        return api.create_response(
            request,
            error_payload(_("The request is not valid."), "validation_error", fields=fields),
            status=422,
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = (
            {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        )
        detail = " ".join(str(m) for m in exc.messages)
        return api.create_response(request, error_payload(detail, "validation_error", fields=fields), status=400)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, error_payload(_("Authentication required."), "not_authenticated"), status=401
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_payload(str(exc) or _("You do not have permission to do this."), "forbidden"), status=403
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_payload(_("Not found."), "not_found"), status=404)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return api.create_response(
            request, error_payload(_("Too many requests. Slow down and try again shortly."), "rate_limited"), status=429
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "csrf_failed" if "CSRF" in str(exc) else "error"
        return api.create_response(request, error_payload(str(exc), code), status=exc.status_code)
