"""Request id: taken from X-Request-ID when a proxy set a sane one, else generated; echoed back."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.context import request_id_var, studio_var

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
        finally:
            request_id_var.reset(id_token)
            studio_var.reset(studio_token)
        response["X-Request-ID"] = request_id
        return response
