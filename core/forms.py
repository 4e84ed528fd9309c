"""Helpers shared by server-rendered forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from core.api.types import EARLIEST_DATE, LATEST_DATE
from core.exceptions import ApplicationError


def form_add_service_errors(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: each field's message under that field, the rest on top."""
    fields: dict[str, str] = exc.extra.get("fields") or {}
    unplaced = [message for name, message in fields.items() if name not in form.fields]
    for name, message in fields.items():
        if name in form.fields:
            form.add_error(name, message)
    if not fields:
        form.add_error(None, exc.message)
    for message in unplaced:
        form.add_error(None, message)


class BoundedDateField(forms.DateField):
    """A date within the platform's one range for stored dates (core/api/types.py), as the API refuses."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.extend([MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)])
