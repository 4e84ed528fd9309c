"""API shapes of progress. Values go out metric (`value`, `unit`) and as the client reads them (`display`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from core.api.types import ApiDate, ApiDecimal
from domain.progress.models import Measurement, MetricType, PerformanceMetric, ProgressEntry, ProgressPhoto
from domain.progress.services import MetricTypeData, ProgressEntryData, ValueData
from domain.progress.units import display


class ValueIn(Schema):
    type: str = Field(description="The type's key, e.g. body_weight, waist, run_5k")
    value: ApiDecimal = Field(description="In `unit_system`; times in seconds")
    notes: str = ""


class ProgressEntryIn(Schema):
    recorded_on: ApiDate | None = Field(None, description="Defaults to today (the studio's date)")
    notes: str = ""
    unit_system: Literal["metric", "imperial"] = "metric"
    measurements: list[ValueIn] = Field(default_factory=list, max_length=100)
    metrics: list[ValueIn] = Field(default_factory=list, max_length=100)

    def to_data(self) -> ProgressEntryData:
        return ProgressEntryData(
            recorded_on=self.recorded_on,
            notes=self.notes,
            unit_system=self.unit_system,
            measurements=[ValueData(**item.model_dump()) for item in self.measurements],
            metrics=[ValueData(**item.model_dump()) for item in self.metrics],
        )


class MetricTypeIn(Schema):
    name: str = Field(max_length=80)
    category: Literal["measurement", "performance"]
    dimension: str = Field(description="mass, length, distance, percent, heart_rate, count, time or other")
    custom_unit: str = Field("", description="The unit, for dimension=other")
    minimum: ApiDecimal = Field(description="Lowest plausible value, in the metric unit")
    maximum: ApiDecimal
    better: Literal["higher", "lower", "neither"] = "neither"

    def to_data(self) -> MetricTypeData:
        return MetricTypeData(**self.model_dump())


class MetricTypeOut(Schema):
    id: int
    slug: str
    name: str
    category: str
    dimension: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    better: str
    is_builtin: bool


class ValueOut(Schema):
    type: str
    name: str
    value: Decimal
    unit: str
    display: str
    notes: str = ""


class PhotoOut(Schema):
    id: int
    pose: str
    taken_on: date
    width: int
    height: int
    url: str = Field(description="The authorised image view (needs the same credentials as this call)")


class ProgressEntryOut(Schema):
    id: int
    client_id: int
    recorded_on: date
    notes: str
    units: str
    measurements: list[ValueOut]
    metrics: list[ValueOut]
    photos: list[PhotoOut]


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = 20


class SeriesQuery(PageQuery):
    type: str | None = Field(None, description="Only this type's values")


class SeriesPointOut(ValueOut):
    recorded_on: date


def type_out(kind: MetricType) -> dict[str, Any]:
    return {
        "id": kind.pk,
        "slug": kind.slug,
        "name": kind.label,
        "category": kind.category,
        "dimension": kind.dimension,
        "unit": kind.metric_unit,
        "minimum": kind.minimum,
        "maximum": kind.maximum,
        "better": kind.better,
        "is_builtin": kind.is_builtin,
    }


def value_out(row: Measurement | PerformanceMetric, system: str) -> dict[str, Any]:
    kind = row.type
    return {
        "type": kind.slug,
        "name": kind.label,
        "value": row.value,
        "unit": kind.metric_unit,
        "display": display(row.value, kind.dimension, system, kind.custom_unit),
        "notes": getattr(row, "notes", ""),
    }


def photo_out(photo: ProgressPhoto, recorded_on: date) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "pose": photo.pose,
        "taken_on": recorded_on,
        "width": photo.width,
        "height": photo.height,
        "url": f"/api/v1/photos/{photo.pk}/image",
    }


def entry_out(entry: ProgressEntry, system: str) -> dict[str, Any]:
    """An entry loaded with `selectors.entry_list`."""
    return {
        "id": entry.pk,
        "client_id": entry.client_id,
        "recorded_on": entry.recorded_on,
        "notes": entry.notes,
        "units": system,
        "measurements": [value_out(row, system) for row in entry.measurements.all()],
        "metrics": [value_out(row, system) for row in entry.metrics.all()],
        "photos": [photo_out(photo, entry.recorded_on) for photo in entry.photos.all()],
    }
