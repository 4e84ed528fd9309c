"""Pages show "not found" for what a person may not see (as the API answers 404), never a server error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404

from core.exceptions import NotFoundError

T = TypeVar("T")


def found(selector: Callable[..., T], **kwargs: Any) -> T:
    try:
        return selector(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
