"""Guards for server-rendered pages, on top of `core.permissions` (the API has its own auth)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url

from core.exceptions import PermissionDeniedError
from core.permissions import require

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return render(request, "403.html", {"message": exc.message}, status=403)


def page_requires(action: str, *, login_url: str | None = None) -> Callable[[View], View]:
    """Anonymous visitors go to sign in (and come back); people whose role may not do `action` get a 403
    page — and so does a PermissionDeniedError raised deeper, by a service's own object check."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), resolve_url(login_url) if login_url else None)
            try:
                require(request.user, action)
                return view(request, *args, **kwargs)
            except PermissionDeniedError as exc:
                return forbidden(request, exc)

        return wrapper

    return decorator
