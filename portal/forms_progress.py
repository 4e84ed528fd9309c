"""Forms of the progress pages: they parse what people type (in their own units); services decide the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError, ValidationError
from core.forms import BoundedDateField
from domain.progress.models import MetricCategory, MetricType, Pose
from domain.progress.services import ProgressEntryData, ValueData
from domain.progress.units import Dimension, unit_label

CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")


class DurationField(forms.CharField):
    """A time as people write it (23:41, 1:02:05) or in seconds; the value is seconds."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the value is seconds (a number), not the text CharField returns
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = CLOCK.match(text)
        if match:
            hours, minutes, seconds = (int(part or 0) for part in match.groups())
            return Decimal(hours * 3600 + minutes * 60 + seconds)
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise FormValidationError(_("Write the time as 23:41 or 1:02:05.")) from exc


class CheckInForm(forms.Form):
    """One check-in: a field per measurement and performance type, labelled in the client's units."""

    recorded_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, types: Iterable[MetricType], system: str, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = today
        self.system = system
        self.types = list(types)
        for kind in self.types:
            label = kind.label
            unit = unit_label(kind.dimension, system, kind.custom_unit)
            if kind.dimension == Dimension.TIME:
                field: forms.Field = DurationField(required=False, help_text=_("mm:ss"))
            else:
                field = forms.DecimalField(required=False, max_digits=10, decimal_places=2)
                field.widget.attrs.update({"inputmode": "decimal", "step": "any"})
            field.label = f"{label} ({unit})" if unit and kind.dimension != Dimension.TIME else label
            self.fields[self.field_name(kind)] = field

    @staticmethod
    def field_name(kind: MetricType) -> str:
        return f"type_{kind.slug}"

    def groups(self) -> dict[str, list[forms.BoundField]]:
        return {
            category: [self[self.field_name(k)] for k in self.types if k.category == category]
            for category in (MetricCategory.MEASUREMENT, MetricCategory.PERFORMANCE)
        }

    def _filled(self, category: str) -> list[MetricType]:
        return [
            k for k in self.types if k.category == category and self.cleaned_data.get(self.field_name(k)) is not None
        ]

    def to_data(self) -> ProgressEntryData:
        def values(category: str) -> list[ValueData]:
            return [ValueData(type=k.slug, value=self.cleaned_data[self.field_name(k)]) for k in self._filled(category)]

        return ProgressEntryData(
            recorded_on=self.cleaned_data["recorded_on"],
            notes=self.cleaned_data["notes"],
            unit_system=self.system,
            measurements=values(MetricCategory.MEASUREMENT),
            metrics=values(MetricCategory.PERFORMANCE),
        )

    def place_errors(self, exc: ApplicationError) -> None:
        """A service error's paths (measurements.2.value) under the field the person typed in."""
        fields: dict[str, str] = dict(exc.extra.get("fields") or {})
        placed: dict[str, str] = {}
        for name, message in fields.items():
            parts = name.split(".")
            if parts[0] in {"measurements", "metrics"} and len(parts) > 1 and parts[1].isdigit():
                category = MetricCategory.MEASUREMENT if parts[0] == "measurements" else MetricCategory.PERFORMANCE
                filled = self._filled(category)
                index = int(parts[1])
                name = self.field_name(filled[index]) if index < len(filled) else "__all__"
            placed[name if name in self.fields else "__all__"] = message
        for name, message in placed.items():
            self.add_error(None if name == "__all__" else name, message)
        if not placed:
            self.add_error(None, exc.message)


class PhotoForm(forms.Form):
    pose = forms.ChoiceField(label=_("Pose"), choices=Pose.choices)
    taken_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    image = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    )
    consent = forms.BooleanField(label=_("The client agrees to this photo being kept and shown to their trainers"))

    def __init__(self, *args: Any, today: date, own: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = today
        if own:
            self.fields["consent"].label = _("I agree to this photo being kept and shown to my trainers")

    def place_errors(self, exc: ApplicationError) -> None:
        if isinstance(exc, ValidationError) and exc.extra.get("fields"):
            for name, message in exc.extra["fields"].items():
                self.add_error(name if name in self.fields else None, message)
        else:
            self.add_error(None, exc.message)
