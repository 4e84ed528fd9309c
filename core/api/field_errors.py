"""What a 422's `fields` say about each refused value, in the caller's language.

pydantic words its own errors in English ("Field required", "Input should be a valid integer, ...") and
prefixes the messages our validators raise with "Value error, ": a Spanish or German caller got English
next to a translated `detail`. Each pydantic error type (its `type` and `ctx`) maps here to a gettext
message; our own validators' messages (already translated) are passed through without the prefix; any
type not listed says that the value is not valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

_QUOTED = re.compile(r"'([^']*)'")

_INTEGER = ("int_type", "int_parsing", "int_from_float", "int_parsing_size")
_NUMBER = ("float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number")
_DECIMAL_PLACES = ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits")
_DATE = ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")
_DATETIME = ("datetime_type", "datetime_parsing", "datetime_object_invalid", "datetime_from_date_parsing")
_TIME = ("time_type", "time_parsing")
_OBJECT = ("dict_type", "model_type", "model_attributes_type", "dataclass_type")
_LIST = ("list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type")


def _choices(ctx: Mapping[str, Any]) -> str:
    """`"'pack', 'membership' or 'drop_in'"` (pydantic's English list) -> `"pack, membership, drop_in"`."""
    expected = str(ctx.get("expected", ""))
    return ", ".join(_QUOTED.findall(expected)) or expected


def _own(ctx: Mapping[str, Any]) -> str:
    """The message our validator raised (translated where it was raised), without pydantic's prefix."""
    return str(ctx.get("error", "")) or _("This value is not valid.")


def _counted(message: Any, key: str) -> Callable[[Mapping[str, Any]], str]:
    """A plural message (`ngettext_lazy(..., "n")`) with the count pydantic gives under `ctx[key]`."""
    return lambda ctx: str(message % {"n": int(ctx.get(key, 0))})


_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: _("This field is required."),
    "extra_forbidden": lambda ctx: _("This field is not accepted here."),
    "string_type": lambda ctx: _("Enter text."),
    "string_too_short": _counted(
        ngettext_lazy("Enter at least %(n)d character.", "Enter at least %(n)d characters.", "n"), "min_length"
    ),
    "string_too_long": _counted(
        ngettext_lazy("Enter at most %(n)d character.", "Enter at most %(n)d characters.", "n"), "max_length"
    ),
    "string_pattern_mismatch": lambda ctx: _("This value does not have the expected form."),
    "too_short": _counted(ngettext_lazy("Give at least %(n)d item.", "Give at least %(n)d items.", "n"), "min_length"),
    "too_long": _counted(ngettext_lazy("Give at most %(n)d item.", "Give at most %(n)d items.", "n"), "max_length"),
    "bool_type": lambda ctx: _("Enter true or false."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "greater_than": lambda ctx: _("Enter a number greater than %(limit)s.") % {"limit": ctx.get("gt")},
    "greater_than_equal": lambda ctx: _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge")},
    "less_than": lambda ctx: _("Enter a number less than %(limit)s.") % {"limit": ctx.get("lt")},
    "less_than_equal": lambda ctx: _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le")},
    "multiple_of": lambda ctx: _("Enter a multiple of %(step)s.") % {"step": ctx.get("multiple_of")},
    "literal_error": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": _choices(ctx)},
    "enum": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": _choices(ctx)},
    "uuid_type": lambda ctx: _("Enter a valid UUID."),
    "uuid_parsing": lambda ctx: _("Enter a valid UUID."),
    "url_type": lambda ctx: _("Enter a valid URL."),
    "url_parsing": lambda ctx: _("Enter a valid URL."),
    "url_scheme": lambda ctx: _("Enter a valid URL."),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
    "value_error": _own,
    "assertion_error": _own,
    **dict.fromkeys(_INTEGER, lambda ctx: _("Enter a whole number.")),
    **dict.fromkeys(_NUMBER, lambda ctx: _("Enter a number.")),
    **dict.fromkeys(_DECIMAL_PLACES, lambda ctx: _("Enter a number with fewer digits.")),
    **dict.fromkeys(_DATE, lambda ctx: _("Enter a date as YYYY-MM-DD.")),
    **dict.fromkeys(_DATETIME, lambda ctx: _("Enter a date and time as YYYY-MM-DDTHH:MM.")),
    **dict.fromkeys(_TIME, lambda ctx: _("Enter a time as HH:MM.")),
    **dict.fromkeys(_OBJECT, lambda ctx: _("Send an object here.")),
    **dict.fromkeys(_LIST, lambda ctx: _("Send a list here.")),
}


def field_error_message(error: Mapping[str, Any]) -> str:
    """One pydantic error (`{"type", "loc", "msg", "ctx"?}`) as a sentence in the active language."""
    message = _MESSAGES.get(str(error.get("type", "")))
    if message is None:
        return _("This value is not valid.")
    return message(error.get("ctx") or {})
