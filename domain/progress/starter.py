"""Built-in measurement and performance types, shipped by a migration into the studio template.

Body measurements reuse the clients app's assessment vocabulary (`MeasurementKind` and its plausible
ranges), so an assessment and a check-in speak of the same "waist" with the same bounds. Loading is
idempotent by slug, so a later migration can ship new types the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from domain.clients.models import MEASUREMENT_SPECS, MeasurementKind

UNIT_DIMENSIONS = {"kg": "mass", "cm": "length", "%": "percent", "bpm": "heart_rate", "reps": "count", "s": "time"}


class StarterType(NamedTuple):
    slug: str
    label: Promise
    category: str
    dimension: str
    minimum: Decimal
    maximum: Decimal
    better: str


def _from_assessment(kind: MeasurementKind, category: str, better: str) -> StarterType:
    spec = MEASUREMENT_SPECS[kind]
    return StarterType(kind.value, kind.label, category, UNIT_DIMENSIONS[spec.unit], spec.minimum, spec.maximum, better)


def _own(slug: str, label: Promise, dimension: str, minimum: str, maximum: str, better: str) -> StarterType:
    return StarterType(slug, label, "performance", dimension, Decimal(minimum), Decimal(maximum), better)


STARTER_TYPES: tuple[StarterType, ...] = (
    _from_assessment(MeasurementKind.BODY_WEIGHT, "measurement", "neither"),
    _from_assessment(MeasurementKind.BODY_FAT, "measurement", "neither"),
    _from_assessment(MeasurementKind.WAIST, "measurement", "neither"),
    _from_assessment(MeasurementKind.HIPS, "measurement", "neither"),
    _from_assessment(MeasurementKind.CHEST, "measurement", "neither"),
    _from_assessment(MeasurementKind.ARM, "measurement", "neither"),
    _from_assessment(MeasurementKind.THIGH, "measurement", "neither"),
    _from_assessment(MeasurementKind.RESTING_HEART_RATE, "measurement", "lower"),
    _own("run_5k", _("5 km run time"), "time", "600", "7200", "lower"),
    _own("row_2k", _("2 km row time"), "time", "300", "1800", "lower"),
    _own("max_pull_ups", _("Max pull-ups"), "count", "0", "100", "higher"),
    _from_assessment(MeasurementKind.PUSH_UPS, "performance", "higher"),
    _from_assessment(MeasurementKind.PLANK, "performance", "higher"),
    _own("vertical_jump", _("Vertical jump"), "length", "5", "150", "higher"),
)
STARTER_LABELS: dict[str, Promise] = {starter.slug: starter.label for starter in STARTER_TYPES}
BODY_WEIGHT = MeasurementKind.BODY_WEIGHT.value


def starter_load(type_model: Any) -> int:
    """Insert the built-in types that are not there yet (takes the migration's historical model)."""
    known = set(type_model.objects.values_list("slug", flat=True))
    new = [
        type_model(
            slug=starter.slug,
            name=str(starter.label),
            category=starter.category,
            dimension=starter.dimension,
            minimum=starter.minimum,
            maximum=starter.maximum,
            better=starter.better,
            position=position,
            is_builtin=True,
        )
        for position, starter in enumerate(STARTER_TYPES)
        if starter.slug not in known
    ]
    type_model.objects.bulk_create(new)
    return len(new)
