"""A stored code shown by its label: `{{ a.channel|label_in:channels }}` with `channels` the page's
(value, label) pairs. Pages printed codes ("email", "marketing", "paid") on Spanish and German pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

register = template.Library()


@register.filter
def label_in(value: Any, pairs: Iterable[tuple[Any, Any]]) -> str:
    """The label paired with `value` (in the active language when the labels are lazy), else the value;
    nothing for no value (so `|default:"—"` still applies)."""
    if value is None or value == "":
        return ""
    return str(dict(pairs or ()).get(value, value))
