"""Guards for portal pages: signed in, and allowed by core.permissions (never ad hoc)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import PermissionDeniedError
from core.permissions import require


def forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return render(request, "403.html", {"message": exc.message}, status=403)


def permission_required(action: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Sign-in page for strangers; a 403 page for people whose role may not do `action`.

    A PermissionDeniedError raised deeper (by a service's own object check) gets the same page.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                require(request.user, action)
                return view(request, *args, **kwargs)
            except PermissionDeniedError as exc:
                return forbidden(request, exc)

        return wrapper

    return decorate
