"""Small query helpers shared by services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from core.exceptions import NotFoundError

M = TypeVar("M", bound=models.Model)


def locked_or_404(queryset: models.QuerySet[M], message: str, **lookup: Any) -> M:
    """The one row matching `lookup`, locked for this transaction, or NotFoundError with `message`."""
    row = queryset.select_for_update().filter(**lookup).first()
    if row is None:
        raise NotFoundError(message)
    return row
