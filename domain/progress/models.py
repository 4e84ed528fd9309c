"""Progress: PROGRESS_ENTRY (a client's check-in on a date) with its MEASUREMENTs (body weight, body
fat, circumferences, resting heart rate, a studio's own types), PERFORMANCE_METRICs (5 km time, max
pull-ups) and PROGRESS_PHOTOs (front / side / back), plus the types those values are of.

Values are stored in the type's metric unit (domain/progress/units.py). Photos live in the studio's
media storage under an unguessable name and are only ever served through an authorised view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from domain.progress.units import METRIC_UNITS, Dimension


def _values(choices: type[models.TextChoices]) -> list[str]:
    return [choice.value for choice in choices]


class MetricCategory(models.TextChoices):
    MEASUREMENT = "measurement", _("Body measurement")
    PERFORMANCE = "performance", _("Performance")


class Better(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    NEITHER = "neither", _("Neither")


class MetricType(TimeStampedModel):
    """What can be measured. Built-in types ship with every studio; a studio adds its own (custom)."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    category = models.CharField(_("category"), max_length=12, choices=MetricCategory.choices)
    dimension = models.CharField(_("kind of value"), max_length=12, choices=Dimension.choices)
    custom_unit = models.CharField(_("unit"), max_length=16, blank=True)  # only for Dimension.OTHER
    minimum = models.DecimalField(_("lowest plausible value"), max_digits=10, decimal_places=2)
    maximum = models.DecimalField(_("highest plausible value"), max_digits=10, decimal_places=2)
    better = models.CharField(_("direction"), max_length=8, choices=Better.choices, default=Better.NEITHER)
    position = models.PositiveSmallIntegerField(_("order"), default=100)
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("measurement type")
        verbose_name_plural = _("measurement types")
        ordering = ["category", "position", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=_values(MetricCategory)), name="progress_type_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=_values(Dimension)), name="progress_type_dimension_valid"
            ),
            models.CheckConstraint(condition=models.Q(better__in=_values(Better)), name="progress_type_better_valid"),
            models.CheckConstraint(condition=models.Q(maximum__gt=models.F("minimum")), name="progress_type_range"),
            models.CheckConstraint(
                condition=models.Q(dimension=Dimension.OTHER, custom_unit__gt="")
                | (~models.Q(dimension=Dimension.OTHER) & models.Q(custom_unit="")),
                name="progress_type_custom_unit_iff_other",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="progress_type_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Built-in names are translated; a studio's own names are shown as written."""
        from domain.progress.starter import STARTER_LABELS

        return str(STARTER_LABELS.get(self.slug, self.name)) if self.is_builtin else self.name

    @property
    def metric_unit(self) -> str:
        return self.custom_unit if self.dimension == Dimension.OTHER else METRIC_UNITS[self.dimension]


class ProgressEntry(TimeStampedModel):
    """A client's check-in on one calendar date; what was measured that day hangs off it."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_entries")
    recorded_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "recorded_on"], name="progress_entry_one_per_day"),
        ]
        indexes = [models.Index(fields=["client", "-recorded_on", "-id"], name="progress_entry_history")]

    def __str__(self) -> str:
        return f"{self.client} {self.recorded_on}"


class Measurement(models.Model):
    """A body measurement of an entry, in the type's metric unit."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="measurements")
    type = models.ForeignKey(MetricType, on_delete=models.PROTECT, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["type__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "type"], name="progress_measurement_once_per_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.value}"


class PerformanceMetric(models.Model):
    """A performance result of an entry (a 5 km time in seconds, max pull-ups as a count)."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="metrics")
    type = models.ForeignKey(MetricType, on_delete=models.PROTECT, related_name="metrics")
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("performance metric")
        verbose_name_plural = _("performance metrics")
        ordering = ["type__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "type"], name="progress_metric_once_per_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.value}"


class Pose(models.TextChoices):
    FRONT = "front", _("Front")
    SIDE = "side", _("Side")
    BACK = "back", _("Back")


def photo_path(photo: ProgressPhoto, filename: str) -> str:
    """Unguessable and free of anything the uploader typed (the storage adds the studio's schema)."""
    return f"progress-photos/{photo.entry.client_id}/{uuid.uuid4().hex}.jpg"


MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_SIDE = 2048  # stored photos are scaled down to fit this (phones take 4000+ px)


class ProgressPhoto(TimeStampedModel):
    """A progress photo, stored only with the client's consent (recorded by whoever uploaded it).

    Visible to the client and the staff who may see the client (their trainers; owners and managers),
    and only through the authorised image view: its storage name is never handed out.
    """

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="photos")
    pose = models.CharField(_("pose"), max_length=8, choices=Pose.choices)
    image = models.ImageField(_("photo"), upload_to=photo_path)  # always a JPEG cleaned by domain/progress/photos.py
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveIntegerField(default=0)
    consent = models.BooleanField(_("the client consents to this photo being kept and shown to their trainers"))
    consented_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["entry", "pose"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "pose"], name="progress_photo_one_per_pose"),
            models.CheckConstraint(condition=models.Q(pose__in=_values(Pose)), name="progress_photo_pose_valid"),
            models.CheckConstraint(condition=models.Q(consent=True), name="progress_photo_requires_consent"),
            models.CheckConstraint(
                condition=models.Q(size_bytes__lte=MAX_PHOTO_BYTES), name="progress_photo_size_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pose_display()} {self.entry}"
