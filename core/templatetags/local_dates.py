"""A template built-in (config/settings TEMPLATES "builtins") that replaces Django's `|date` filter.

`{{ when|date:"l j F Y" }}` keeps the house's English-order patterns in templates, and shows them the way
the active language writes dates: "Friday 4 December 2026" (en), "Freitag, 4. Dezember 2026" (de),
"viernes, 4 de diciembre de 2026" (es) -- core.studio_time.local_date_pattern. Everything else (time zone
conversion, format names such as "DATE_FORMAT", day and month names) is Django's own `date` filter.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaultfilters

from core.studio_time import local_date_pattern

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's `|date`, with `arg` put into the active language's order; "" for an empty value."""
    return defaultfilters.date(value, local_date_pattern(arg) if arg else arg)
