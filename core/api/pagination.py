"""Cursor (keyset) pagination: stable under inserts, constant cost at any depth, opaque to clients."""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel

from core.api.rows import shape_rows
from core.api.shapes import Out
from core.error_codes import ErrorCode
from core.exceptions import ValidationError

T = TypeVar("T")
MAX_LIMIT = 100


class CursorPage(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            _("The cursor is not valid."), code=ErrorCode.CURSOR_INVALID, fields={"cursor": _("Not valid.")}
        ) from exc
    if not isinstance(values, list) or len(values) != count:
        raise ValidationError(
            _("The cursor is not valid."), code=ErrorCode.CURSOR_INVALID, fields={"cursor": _("Not valid.")}
        )
    return values


def _typed(model: type[Model], name: str, raw: Any) -> Any:
    """A cursor value back in the field's own type (dates, decimals); related paths are left as is."""
    if "__" in name:
        return raw
    try:
        field = model._meta.get_field(name)
        return field.to_python(raw) if isinstance(field, Field) else raw
    except DjangoValidationError as exc:
        raise ValidationError(
            _("The cursor is not valid."), code=ErrorCode.CURSOR_INVALID, fields={"cursor": _("Not valid.")}
        ) from exc


def _after(order: tuple[str, ...], values: list[Any], model: type[Model]) -> Q:
    """Rows strictly after `values` in `order` (a lexicographic keyset condition)."""
    typed = [_typed(model, field.lstrip("-"), value) for field, value in zip(order, values, strict=True)]
    condition = Q()
    for depth, field in enumerate(order):
        step = Q(**{f"{field.lstrip('-')}__{'lt' if field.startswith('-') else 'gt'}": typed[depth]})
        for earlier in range(depth):
            step &= Q(**{order[earlier].lstrip("-"): typed[earlier]})
        condition |= step
    return condition


def paginate_cursor(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    order: tuple[str, ...] = ("-id",),
    shape: type[BaseModel] | None = None,
) -> dict[str, Any]:
    """One page of `queryset` in `order` (the last field must be unique, e.g. id) after `cursor`:
    `{"items": [...], "next_cursor": str | None}`.

    With `shape` (the items' `Out` response shape), the items are dicts of just the columns it shows
    (`core.api.rows`), not model instances; a shape that needs instances gets instances.
    Raises ValidationError (400) for a limit outside 1-100 or a cursor this list did not make.
    """
    if limit < 1 or limit > MAX_LIMIT:
        raise ValidationError(
            _("limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT},
            code=ErrorCode.LIMIT_INVALID,
            fields={"limit": "1-100"},
        )
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = queryset.filter(_after(order, _decode(cursor, len(order)), queryset.model))
    keys = [field.lstrip("-") for field in order]
    page = queryset[: limit + 1]
    read = shape_rows(page, shape, extra=keys) if shape is not None else None
    rows = list(page) if read is None else read
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        next_cursor = _encode([_value(rows[-1], key) for key in keys])
    return {"items": rows, "next_cursor": next_cursor}


def _value(obj: Any, path: str) -> Any:
    if isinstance(obj, dict):  # a row of shape_rows: the order fields are top-level keys
        value = obj[path]
    else:
        value = obj
        for part in path.split("__"):
            value = getattr(value, part)
    return value.isoformat() if hasattr(value, "isoformat") else value


class PageParams(Schema):
    """The query parameters of a cursor-paginated list (`Query[PageParams]`, or a subclass with filters)."""

    cursor: str | None = None
    limit: int = 25
