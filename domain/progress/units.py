"""Units: everything is stored metric; people type and read values in their own system.

The viewer's preference decides what a value looks like (`selectors.display_unit_system`: a client's
profile, or a member of staff's own `core.Preferences.units`);
the database only ever holds kilograms, centimetres, kilometres and seconds. Conversions are exact
(the international pound, inch and mile) and stored values keep two decimals, so a value typed in
pounds and shown in pounds reads as typed: 135 lb -> 61.23 kg -> 135 lb.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from domain.clients.models import UnitSystem

KG_PER_LB = Decimal("0.45359237")
CM_PER_IN = Decimal("2.54")
KM_PER_MI = Decimal("1.609344")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
WHOLE = Decimal(1)


class Dimension(models.TextChoices):
    MASS = "mass", _("Mass (kg / lb)")
    LENGTH = "length", _("Length (cm / in)")
    DISTANCE = "distance", _("Distance (km / mi)")
    PERCENT = "percent", _("Percentage")
    HEART_RATE = "heart_rate", _("Heart rate (bpm)")
    COUNT = "count", _("Count (reps)")
    TIME = "time", _("Time")
    OTHER = "other", _("Other (name the unit)")


METRIC_UNITS: dict[str, str] = {
    Dimension.MASS: "kg",
    Dimension.LENGTH: "cm",
    Dimension.DISTANCE: "km",
    Dimension.PERCENT: "%",
    Dimension.HEART_RATE: "bpm",
    Dimension.COUNT: "reps",
    Dimension.TIME: "s",
}
# Dimensions that look different in imperial: (unit, metric units per imperial unit).
IMPERIAL_UNITS: dict[str, tuple[str, Decimal]] = {
    Dimension.MASS: ("lb", KG_PER_LB),
    Dimension.LENGTH: ("in", CM_PER_IN),
    Dimension.DISTANCE: ("mi", KM_PER_MI),
}


def normalise_system(system: str | None) -> str:
    return UnitSystem.IMPERIAL.value if system == UnitSystem.IMPERIAL else UnitSystem.METRIC.value


def unit_label(dimension: str, system: str, custom_unit: str = "") -> str:
    """The unit people see for a dimension in a unit system (a custom type's own unit for OTHER)."""
    if dimension == Dimension.OTHER:
        return custom_unit
    if system == UnitSystem.IMPERIAL and dimension in IMPERIAL_UNITS:
        return IMPERIAL_UNITS[dimension][0]
    return METRIC_UNITS[dimension]


def to_metric(value: Decimal, dimension: str, system: str) -> Decimal:
    """A value typed in `system` as stored (two decimals)."""
    if system == UnitSystem.IMPERIAL and dimension in IMPERIAL_UNITS:
        value = value * IMPERIAL_UNITS[dimension][1]
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def from_metric(value: Decimal, dimension: str, system: str, *, step: Decimal = TENTH) -> Decimal:
    """A stored value in `system`, rounded once to `step` (one decimal: what scales and tapes show).

    Always from the exact stored value: converting an already rounded figure rounds twice
    (102.5 kg x 3 = 307.5 kg is 677.9 lb, but 308 kg would read 679 lb).
    """
    if system == UnitSystem.IMPERIAL and dimension in IMPERIAL_UNITS:
        value = value / IMPERIAL_UNITS[dimension][1]
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def clock(seconds: Decimal | int) -> str:
    """Seconds as m:ss or h:mm:ss (how race and plank times are read)."""
    total = int(Decimal(seconds).to_integral_value(rounding=ROUND_HALF_UP))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def display(value: Decimal | None, dimension: str, system: str, custom_unit: str = "", *, step: Decimal = TENTH) -> str:
    """A stored value as a person reads it: "135 lb", "82.5 cm", "23:41", "12 reps" (rounded to `step`)."""
    if value is None:
        return ""
    if dimension == Dimension.TIME:
        return clock(value)
    number = _plain(from_metric(value, dimension, system, step=step))
    unit = unit_label(dimension, system, custom_unit)
    if dimension == Dimension.PERCENT:
        return f"{number}%"
    return f"{number} {unit}".strip()


DIMENSION_OF_UNIT: dict[str, str] = {unit: dimension for dimension, unit in METRIC_UNITS.items()}


def unit_display(value: Decimal, unit: str, system: str) -> str:
    """A value stored in a metric `unit` ("kg", "cm", "s", "%"...) as `display` shows it in `system`;
    a unit we do not convert ("ml/kg/min") reads as stored ("45 ml/kg/min")."""
    dimension = DIMENSION_OF_UNIT.get(unit)
    if dimension is None:
        return f"{_plain(value)} {unit}".strip()
    return display(value, dimension, system)


def load_display(load_kg: Decimal | None, system: str) -> str:
    """A training load in the viewer's units ("" for bodyweight work)."""
    if load_kg is None or load_kg == 0:
        return ""
    return display(load_kg, Dimension.MASS, system)
