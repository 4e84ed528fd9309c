"""Collect every problem of an input before refusing it, so the user fixes them all at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from django.db import models
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ValidationError

_LINE_BREAKS = re.compile("[\x00-\x1f\x7f\u2028\u2029]")


def one_line_problem(value: object) -> str | None:
    """The message for a name typed with a line break or another control character (it would reach email
    headers, page titles, invoice PDFs and CSV rows), else None. Studio names, sender names, package names
    and the studio's legal name on invoices all use it, so they refuse with the same words."""
    if isinstance(value, str) and _LINE_BREAKS.search(value):
        return _("Use one line of text, without line breaks.")
    return None


class FieldErrors:
    """`errors.add("name", msg)` for each problem, then `errors.raise_if_any()`."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self, *, code: ErrorCode = ErrorCode.VALIDATION_ERROR, message: str | None = None) -> None:
        if self.fields:
            raise ValidationError(message or " ".join(self.fields.values()), code=code, fields=dict(self.fields))

    def text(self, field: str, value: str, *, max_length: int, required: bool = True) -> str:
        """The stripped text, or an error when it is blank (if required) or too long."""
        value = (value or "").strip()
        if required and not value:
            self.add(field, _("This field is required."))
        elif len(value) > max_length:
            self.add(field, _("Use at most %(n)d characters.") % {"n": max_length})
        return value

    def choice(self, field: str, value: Any, choices: type[models.TextChoices]) -> None:
        if value not in choices.values:
            self.add(
                field,
                _("“%(value)s” is not a valid choice; use one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)},
            )

    def choices(self, field: str, values: Iterable[str], choices: type[models.TextChoices]) -> list[str]:
        """The distinct values in order, or an error naming the unknown ones."""
        cleaned = list(dict.fromkeys(v.strip().lower() for v in values))
        unknown = [v for v in cleaned if v not in choices.values]
        if unknown:
            self.add(
                field,
                _("Unknown: %(unknown)s. Use terms from the list: %(choices)s.")
                % {"unknown": ", ".join(unknown), "choices": ", ".join(choices.values)},
            )
        return cleaned

    def number(self, field: str, value: Any, *, minimum: Any = None, maximum: Any = None) -> None:
        """Range check of an optional number (None passes)."""
        if value is None:
            return
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.add(field, _("Enter a value between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})

    def url(self, field: str, value: str) -> str:
        value = (value or "").strip()
        if value:
            parsed = urlparse(value)
            if parsed.scheme not in {"http", "https"} or not parsed.netloc or len(value) > 500:
                self.add(field, _("Enter a full web address starting with https://."))
        return value
