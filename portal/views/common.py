"""What the clients / library / programs pages share: "not found" for what a person may not see (as the
API answers 404, never a server error), and one way to run a form through a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import ApplicationError, NotFoundError
from core.forms import form_add_service_errors

T = TypeVar("T")


def found(selector: Callable[..., T], **kwargs: Any) -> T:
    try:
        return selector(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def form_saved(request: HttpRequest, form: forms.Form, save: Callable[[], T], done: str) -> T | None:
    """Validate the form, call `save` (one service) and flash `done`; None when the form or the service
    refused, with the service's reasons placed on the form's fields."""
    if not form.is_valid():
        return None
    try:
        result = save()
    except ApplicationError as exc:
        form_add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return result


def offline_service_worker(request: HttpRequest, *, cache: str, page_pattern: str, assets: list[str]) -> HttpResponse:
    """The service worker of an offline page (templates/portal/offline/sw.js): it keeps the pages matching
    `page_pattern` (a JavaScript regex source) and `assets` (static URLs) in the browser cache `cache`, so they
    open without a connection. Serve it from the pages' own folder: a worker's scope is the path it is served under.
    """
    response = render(
        request,
        "portal/offline/sw.js",
        {"cache": cache, "page_pattern": page_pattern, "assets": assets},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response
