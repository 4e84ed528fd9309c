"""Writes of progress: a check-in's values (upserted per date), the studio's own types, photos.

Values arrive in the unit system the person typed them in and are stored metric; each is checked
against its type's plausible range so a typo (800 kg) is refused rather than charted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError
from core.models import User
from core.permissions import require
from core.studio_time import studio_today
from core.validation import FieldErrors
from domain.clients.selectors import client_in_scope
from domain.progress.models import (
    Better,
    Measurement,
    MetricCategory,
    MetricType,
    PerformanceMetric,
    Pose,
    ProgressEntry,
    ProgressPhoto,
)
from domain.progress.photos import photo_clean
from domain.progress.selectors import photo_get
from domain.progress.units import Dimension, display, normalise_system, to_metric

MAX_VALUES_PER_ENTRY = 40
EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True, kw_only=True)
class ValueData:
    type: str  # the type's key (slug), e.g. "body_weight"
    value: Decimal  # in `unit_system` (seconds for times)
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class ProgressEntryData:
    recorded_on: date | None = None  # the studio's today when empty
    notes: str = ""
    unit_system: str = "metric"  # what the values are typed in: "metric" or "imperial"
    measurements: Sequence[ValueData] = ()
    metrics: Sequence[ValueData] = ()


def _clean_values(
    errors: FieldErrors,
    name: str,
    values: Sequence[ValueData],
    types: dict[str, MetricType],
    category: str,
    system: str,
) -> list[tuple[MetricType, Decimal, str]]:
    cleaned: list[tuple[MetricType, Decimal, str]] = []
    seen: set[str] = set()
    if len(values) > MAX_VALUES_PER_ENTRY:
        errors.add(name, _("At most %(n)d values at once.") % {"n": MAX_VALUES_PER_ENTRY})
    for i, item in enumerate(values):
        path = f"{name}.{i}"
        kind = types.get(item.type)
        if kind is None or kind.category != category or kind.is_archived:
            errors.add(f"{path}.type", _("“%(type)s” is not a type of this list.") % {"type": item.type})
            continue
        if item.type in seen:
            errors.add(f"{path}.type", _("Give each type once."))
        seen.add(item.type)
        value = to_metric(item.value, kind.dimension, system)
        if not kind.minimum <= value <= kind.maximum:
            low = display(kind.minimum, kind.dimension, system, kind.custom_unit)
            high = display(kind.maximum, kind.dimension, system, kind.custom_unit)
            errors.add(f"{path}.value", _("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": high})
        cleaned.append((kind, value, errors.text(f"{path}.notes", item.notes, max_length=200, required=False)))
    return cleaned


def _entry_for(client: User, recorded_on: date, actor: User) -> ProgressEntry:
    """The client's entry of that date, made if missing and locked for this transaction."""
    ProgressEntry.objects.bulk_create(
        [ProgressEntry(client=client, recorded_on=recorded_on, recorded_by=actor)], ignore_conflicts=True
    )
    return ProgressEntry.objects.select_for_update().get(client=client, recorded_on=recorded_on)


def _check_date(errors: FieldErrors, field: str, recorded_on: date | None) -> date:
    today = studio_today()
    day = recorded_on or today
    if day > today:
        errors.add(field, _("The date cannot be in the future."))
    elif day < EARLIEST:
        errors.add(field, _("Enter a real date."))
    return day


@transaction.atomic
def progress_entry_record(*, actor: User, client_id: int, data: ProgressEntryData) -> ProgressEntry:
    """Record measurements and metrics for a date; a value of a type already recorded that day is replaced."""
    client = client_in_scope(actor=actor, client_id=client_id, action="progress.record")
    errors = FieldErrors()
    recorded_on = _check_date(errors, "recorded_on", data.recorded_on)
    system = normalise_system(data.unit_system)
    if data.unit_system not in {"metric", "imperial"}:
        errors.add("unit_system", _("Use metric or imperial."))
    slugs = {item.type for item in [*data.measurements, *data.metrics]}
    types = {kind.slug: kind for kind in MetricType.objects.filter(slug__in=slugs)}
    measurements = _clean_values(errors, "measurements", data.measurements, types, MetricCategory.MEASUREMENT, system)
    metrics = _clean_values(errors, "metrics", data.metrics, types, MetricCategory.PERFORMANCE, system)
    notes = errors.text("notes", data.notes, max_length=2000, required=False)
    if not (data.measurements or data.metrics or notes):
        errors.add("measurements", _("Record at least one value or a note."))
    errors.raise_if_any(code=ErrorCode.PROGRESS_INVALID)
    entry = _entry_for(client, recorded_on, actor)
    if notes:
        entry.notes = notes
        entry.save(update_fields=["notes", "updated_at"])
    Measurement.objects.bulk_create(
        [Measurement(entry=entry, type=kind, value=value) for kind, value, _notes in measurements],
        update_conflicts=True,
        unique_fields=["entry", "type"],
        update_fields=["value"],
    )
    PerformanceMetric.objects.bulk_create(
        [PerformanceMetric(entry=entry, type=kind, value=value, notes=text) for kind, value, text in metrics],
        update_conflicts=True,
        unique_fields=["entry", "type"],
        update_fields=["value", "notes"],
    )
    return entry


# --- the studio's own types ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MetricTypeData:
    name: str
    category: str
    dimension: str
    minimum: Decimal  # in the dimension's metric unit (seconds for times)
    maximum: Decimal
    custom_unit: str = ""
    better: str = Better.NEITHER


@transaction.atomic
def metric_type_create(*, actor: User, data: MetricTypeData) -> MetricType:
    """A studio's own measurement or performance type (e.g. "Grip strength", kg; "Sleep", h)."""
    require(actor, "progress.manage_types")
    errors = FieldErrors()
    name = errors.text("name", data.name, max_length=80)
    errors.choice("category", data.category, MetricCategory)
    errors.choice("dimension", data.dimension, Dimension)
    errors.choice("better", data.better, Better)
    unit = errors.text("custom_unit", data.custom_unit, max_length=16, required=data.dimension == Dimension.OTHER)
    if data.dimension != Dimension.OTHER:
        unit = ""
    if not data.minimum < data.maximum:
        errors.add("maximum", _("The highest value must be above the lowest."))
    for field, value in (("minimum", data.minimum), ("maximum", data.maximum)):
        errors.number(field, value, minimum=Decimal("-99999999"), maximum=Decimal("99999999"))
    slug = f"custom-{slugify(name)[:50]}" if name else ""
    if slug == "custom-":
        errors.add("name", _("Give the type a name with letters or digits."))
    elif slug and MetricType.objects.filter(slug=slug).exists():
        errors.add("name", _("There is already a type with this name."))
    errors.raise_if_any(code=ErrorCode.METRIC_TYPE_INVALID)
    kind = MetricType.objects.create(
        slug=slug,
        name=name,
        category=data.category,
        dimension=data.dimension,
        custom_unit=unit,
        minimum=data.minimum,
        maximum=data.maximum,
        better=data.better,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.METRIC_TYPE_CREATE, target=kind)
    return kind


# --- photos ------------------------------------------------------------------------------------


@transaction.atomic
def progress_photo_upload(
    *, actor: User, client_id: int, pose: str, image: UploadedFile, consent: bool, taken_on: date | None = None
) -> ProgressPhoto:
    """Keep a progress photo, only with the client's consent, cleaned by Pillow (see photos.py)."""
    client = client_in_scope(actor=actor, client_id=client_id, action="progress.upload_photo")
    errors = FieldErrors()
    errors.choice("pose", pose, Pose)
    day = _check_date(errors, "taken_on", taken_on)
    if not consent:
        errors.add("consent", _("A photo is kept only with the client's consent."))
    errors.raise_if_any(code=ErrorCode.PHOTO_INVALID)
    clean = photo_clean(image)
    entry = _entry_for(client, day, actor)
    if ProgressPhoto.objects.filter(entry=entry, pose=pose).exists():
        raise ConflictError(
            _("There is already a photo of this pose for that day; delete it first."), code=ErrorCode.PHOTO_EXISTS
        )
    photo = ProgressPhoto(
        entry=entry,
        pose=pose,
        consent=True,
        consented_at=timezone.now(),
        uploaded_by=actor,
        size_bytes=len(clean.content),
        width=clean.width,
        height=clean.height,
    )
    photo.image.save("photo.jpg", ContentFile(clean.content), save=False)
    stored = str(photo.image.name)
    try:
        photo.save()
        audit_record(
            actor=actor, action=AuditAction.PROGRESS_PHOTO_UPLOAD, target=photo, client_id=client.pk, pose=pose
        )
    except Exception:
        photo.image.storage.delete(stored)
        raise
    return photo


@transaction.atomic
def progress_photo_delete(*, actor: User, photo_id: int) -> None:
    """Remove a photo (the client withdrawing consent, or a mistake); the file goes once the row is gone."""
    photo = photo_get(actor=actor, photo_id=photo_id)
    require(actor, "progress.delete_photo", photo.entry.client)
    storage, name = photo.image.storage, str(photo.image.name)
    audit_record(actor=actor, action=AuditAction.PROGRESS_PHOTO_DELETE, target=photo, client_id=photo.entry.client_id)
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
