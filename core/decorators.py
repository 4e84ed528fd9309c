"""Guards for server-rendered pages, on top of `core.permissions` (the API has its own auth)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from core.permissions import can

View = Callable[..., HttpResponse]


def page_requires(action: str, *, login_url: str | None = None) -> Callable[[View], View]:
    """Anonymous visitors go to sign in (and come back); signed-in people without `action` get a 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), resolve_url(login_url) if login_url else None)
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
