"""Dashboard tiles and small display helpers of the clients / library / programs pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from core.permissions import can
from domain.library.vocabulary import Contraindication, Equipment, Muscle

register = template.Library()


@register.inclusion_tag("portal/_training_tiles.html", takes_context=True)
def training_tiles(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {
        "staff": can(user, "programs.view_templates"),
        "library": can(user, "library.manage"),
        "client": not can(user, "programs.view_templates") and can(user, "programs.view"),
    }


@register.filter
def slot_name(names: dict[int, str], slot_id: int | None) -> str:
    return names.get(slot_id, "") if slot_id else ""


@register.filter
def num(value: Decimal | None) -> str:
    """A decimal without trailing zeros and never in exponent form: 81.20 -> 81.2, 80.00 -> 80."""
    return "" if value is None else f"{Decimal(value).normalize():f}"


VOCABULARIES = {"muscle": Muscle, "equipment": Equipment, "contraindication": Contraindication}


@register.filter
def labels(values: list[str] | None, vocabulary: str) -> str:
    """Stored vocabulary terms as their labels in the active language, comma-separated
    (`["quadriceps", "glutes"]|labels:"muscle"` -> "Quadrizeps, Gesäßmuskeln"); an unknown term as it is.
    The library's pages printed the stored English terms on Spanish and German pages."""
    choices = dict(VOCABULARIES[vocabulary].choices)
    return ", ".join(str(choices.get(value, value)) for value in values or [])
