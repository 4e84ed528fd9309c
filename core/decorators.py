"""Guards for server-rendered pages, on top of `core.permissions` (the API has its own auth)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url

from core.error_codes import ErrorCode
from core.exceptions import PermissionDeniedError
from core.permissions import require
from core.tokens import TokenError, access_token_user

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return render(request, "403.html", {"message": exc.message}, status=403)


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _bearer_refused(exc: TokenError) -> HttpResponse:
    """A token from another studio names nobody here: 404, as anything not yours. An expired or bad one:
    401 with the API's JSON and `WWW-Authenticate`, so an app knows to refresh it."""
    if exc.code == ErrorCode.TOKEN_WRONG_STUDIO:
        raise Http404(exc.message)
    response = JsonResponse({"detail": exc.message, "code": exc.code}, status=401)
    response["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{exc.code}"'
    return response


def page_requires(action: str, *, login_url: str | None = None, bearer: bool = False) -> Callable[[View], View]:
    """Anonymous visitors go to sign in (and come back); people whose role may not do `action` get a 403
    page — and so does a PermissionDeniedError raised deeper, by a service's own object check.

    `bearer=True` (a download an app fetches, such as a data export): an `Authorization: Bearer <access
    token>` of this studio signs the request in instead of the session (core/tokens.py); the API's rules
    answer a token that is not valid here (see `_bearer_refused`)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = _bearer_token(request) if bearer else None
            if token is not None:
                try:
                    request.user = access_token_user(token)
                except TokenError as exc:
                    return _bearer_refused(exc)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), resolve_url(login_url) if login_url else None)
            try:
                require(request.user, action)
                return view(request, *args, **kwargs)
            except PermissionDeniedError as exc:
                return forbidden(request, exc)

        return wrapper

    return decorator
