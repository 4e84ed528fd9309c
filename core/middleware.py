"""Request plumbing: the request id (taken from X-Request-ID when a proxy set a sane one, else generated;
echoed back), the API's JSON errors, and the studio's time zone for the request."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.log import log_response
from django.utils.translation import gettext as _

from core.api.errors import STATUS_CODES, STATUS_DETAILS
from core.context import request_id_var, studio_var
from core.error_codes import ErrorCode
from core.input import API_PREFIX
from core.studio_time import studio_zone

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # the request id rides on the request for the log filter
        id_token = request_id_var.set(request_id)
        studio_token = studio_var.set("-")
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs its own 4xx/5xx line ("Not Found: /x", django.request) once the middleware
                # chain has returned, when this context is already reset (`studio=-`): log it here, inside
                # it, exactly as Django would; log_response marks the response, so Django does not repeat it.
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        finally:
            request_id_var.reset(id_token)  # one request's studio never leaks into the next
            studio_var.reset(studio_token)
        response["X-Request-ID"] = request_id
        return response


class ApiErrorMiddleware:
    """Under /api/v1/ every error is the API's JSON, also those Django answers itself (404, 405, 500...).

    Errors the API raises are JSON already (core/api/errors.py); this turns the rest (an unknown path,
    a wrong method, a server error) into `{"detail", "code"}` with the same status.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return self._as_json(response)
        return response

    @staticmethod
    def _as_json(response: HttpResponse) -> HttpResponse:
        status = response.status_code
        converted = JsonResponse(
            {
                "detail": str(STATUS_DETAILS.get(status, _("The request failed."))),
                "code": STATUS_CODES.get(status, ErrorCode.ERROR),
            },
            status=status,
        )
        for header in ("Allow", "Retry-After", "X-Request-ID"):
            if header in response:
                converted[header] = response[header]
        # Django marks a response whose line it logged (a 500's, with the traceback); the JSON one stands for
        # it, so RequestIdMiddleware does not log a second line without the traceback.
        if getattr(response, "_has_been_logged", False):
            converted._has_been_logged = True  # type: ignore[attr-defined]  # django.utils.log.log_response's mark
        return converted


class StudioTimeZoneMiddleware:
    """On a studio's host, the studio's time zone is the current one for the request: every template (`|date`,
    `|time`, `{% now %}`) and form shows and reads studio time, as the studio sees its day. Elsewhere (the
    public site, the console) the current zone stays UTC. Runs after the routing middleware, which puts the
    connection on the studio's schema.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(studio_zone())  # UTC when the connection serves no studio
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
