"""Portal forms: they parse input only; the rules live in the services they feed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDateField
from core.models import Role
from domain.clients.models import MEASUREMENT_SPECS, GoalType, MeasurementKind, ParqQuestion, Sex, UnitSystem
from domain.clients.services import HealthData, Injury, ProfileData
from domain.library.services import ExerciseData
from domain.library.vocabulary import Contraindication, Difficulty, Equipment, Force, Mechanics, Muscle
from domain.programs.models import AssignmentType, ProgramGoal, ProgramStatus, RuleKind
from domain.programs.services import RuleData
from tenants.branding import LOGO_MAX_BYTES
from tenants.models import Studio


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, a ChoiceField (whose choices are set per request).

    Raises TypeError when the field is not a ChoiceField."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ChoiceField")
    return field


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.CLIENT.value, Role.CLIENT.label)])
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        """`roles`: the (value, label) pairs this person may invite."""
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = roles


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class SignupPolicyForm(forms.Form):
    allow_client_signup = forms.BooleanField(label=_("Clients may sign themselves up"), required=False)


class BrandingForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most %(mb)d MB. Square logos look best.") % {"mb": LOGO_MAX_BYTES >> 20},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    primary_color = forms.CharField(
        label=_("Primary colour"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    accent_color = forms.CharField(
        label=_("Accent colour"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )

    @classmethod
    def for_studio(cls, studio: Studio, data: Any = None, files: Any = None) -> BrandingForm:
        return cls(data, files, initial={"primary_color": studio.primary_color, "accent_color": studio.accent_color})

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "primary_color": data["primary_color"],
            "accent_color": data["accent_color"],
            "logo": data.get("logo") or None,
            "remove_logo": data.get("remove_logo", False),
        }


# --- clients, library, programs (issue 4) ---------------------------------------------------------


def _choices(text_choices: Any) -> list[tuple[str, str]]:
    return list(text_choices.choices)


class ClientAddForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


class ClientProfileForm(forms.Form):
    date_of_birth = BoundedDateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=())
    height_cm = forms.DecimalField(label=_("Height (cm)"), required=False, max_digits=4, decimal_places=1)
    unit_preference = forms.ChoiceField(label=_("Units"), choices=())
    tags = forms.CharField(label=_("Tags (comma-separated)"), required=False, max_length=400)
    trainer_notes = forms.CharField(label=_("Trainer notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, private: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "sex").choices = _choices(Sex)
        choice_field(self, "unit_preference").choices = _choices(UnitSystem)
        if not private:
            del self.fields["tags"], self.fields["trainer_notes"]

    def profile_data(self) -> ProfileData:
        data = dict(self.cleaned_data)
        data["tags"] = [t for t in data.get("tags", "").split(",") if t.strip()]
        data.setdefault("trainer_notes", "")
        return ProfileData(**data)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class HealthHistoryForm(forms.Form):
    """One entry per line; injuries as "name" or "name: notes", prefixed "healed:" when no longer active."""

    conditions = forms.CharField(
        label=_("Conditions (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "list": "contraindications"}),
    )
    injuries = forms.CharField(
        label=_("Injuries (one per line; start with “healed:” for past injuries)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medications = forms.CharField(
        label=_("Medications (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    medically_cleared = forms.BooleanField(label=_("Medical clearance given"), required=False)
    cleared_on = BoundedDateField(label=_("Cleared on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cleared_by = forms.CharField(label=_("Cleared by"), required=False, max_length=200)
    clearance_expires_on = BoundedDateField(
        label=_("Clearance expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in ParqQuestion:
            self.fields[f"parq_{question.value}"] = forms.BooleanField(label=question.label, required=False)

    @staticmethod
    def initial_from(history: Any) -> dict[str, Any]:
        clearance = history.medical_clearance or {}
        injuries = [
            ("" if i.get("active", True) else "healed: ") + i["name"] + (f": {i['notes']}" if i.get("notes") else "")
            for i in history.injuries or []
        ]
        return {
            "conditions": "\n".join(history.conditions or []),
            "injuries": "\n".join(injuries),
            "medications": "\n".join(history.medications or []),
            "medically_cleared": bool(clearance.get("cleared")),
            "cleared_on": clearance.get("cleared_on"),
            "cleared_by": clearance.get("cleared_by", ""),
            "clearance_expires_on": history.medical_clearance_expires_on,
            "notes": history.notes or "",
            **{f"parq_{key}": value for key, value in (history.parq_answers or {}).items()},
        }

    def health_data(self) -> HealthData:
        data = self.cleaned_data
        injuries = []
        for line in _lines(data["injuries"]):
            healed = line.lower().startswith("healed:")
            name, _sep, notes = (line[len("healed:") :] if healed else line).partition(":")
            injuries.append(Injury(name=name.strip(), notes=notes.strip(), active=not healed))
        return HealthData(
            conditions=_lines(data["conditions"]),
            injuries=injuries,
            medications=_lines(data["medications"]),
            parq_answers={name[5:]: bool(value) for name, value in data.items() if name.startswith("parq_")},
            medically_cleared=data["medically_cleared"],
            cleared_on=data["cleared_on"],
            cleared_by=data["cleared_by"],
            clearance_expires_on=data["clearance_expires_on"],
            notes=data["notes"],
        )


class GoalForm(forms.Form):
    goal_type = forms.ChoiceField(label=_("Type"), choices=())
    title = forms.CharField(label=_("Goal"), max_length=160)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    start_value = forms.DecimalField(label=_("Start"), required=False, max_digits=10, decimal_places=2)
    target_value = forms.DecimalField(label=_("Target"), required=False, max_digits=10, decimal_places=2)
    current_value = forms.DecimalField(label=_("Now"), required=False, max_digits=10, decimal_places=2)
    target_date = BoundedDateField(label=_("By"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "goal_type").choices = _choices(GoalType)


class AssessmentForm(forms.Form):
    assessed_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in MeasurementKind:
            self.fields[f"m_{kind.value}"] = forms.DecimalField(
                label=f"{kind.label} ({MEASUREMENT_SPECS[kind].unit})", required=False, max_digits=8, decimal_places=2
            )

    def measurements(self) -> dict[str, Any]:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("m_") and value is not None
        }


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    relationship = forms.CharField(label=_("Relationship"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    email = forms.EmailField(label=_("Email"), required=False)
    is_primary = forms.BooleanField(label=_("Call first"), required=False)


class AssignForm(forms.Form):
    client_id = forms.TypedChoiceField(label=_("Client"), coerce=int, choices=())
    assignment_type = forms.ChoiceField(label=_("Type"), choices=())
    start_date = BoundedDateField(label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, clients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "client_id").choices = clients
        choice_field(self, "assignment_type").choices = _choices(AssignmentType)


class ProgressForm(forms.Form):
    current_phase = forms.IntegerField(label=_("Phase"), min_value=1, max_value=1000)
    current_week = forms.IntegerField(label=_("Week"), min_value=1, max_value=1000)
    status = forms.ChoiceField(label=_("Status"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = _choices(ProgramStatus)


class ExerciseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    category_id = forms.TypedChoiceField(label=_("Category"), coerce=int, choices=())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    instructions = forms.CharField(
        label=_("Steps (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    primary_muscles = forms.MultipleChoiceField(
        label=_("Primary muscles"), choices=Muscle.choices, widget=forms.CheckboxSelectMultiple
    )
    secondary_muscles = forms.MultipleChoiceField(
        label=_("Secondary muscles"), choices=Muscle.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"), choices=Equipment.choices, widget=forms.CheckboxSelectMultiple
    )
    difficulty = forms.ChoiceField(label=_("Difficulty"), choices=Difficulty.choices)
    mechanics = forms.ChoiceField(label=_("Mechanics"), choices=Mechanics.choices)
    force = forms.ChoiceField(label=_("Force"), choices=Force.choices)
    contraindications = forms.MultipleChoiceField(
        label=_("Contraindications"),
        choices=Contraindication.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(label=_("Tags (comma-separated)"), required=False, max_length=400)
    image_url = forms.URLField(label=_("Image link"), required=False, max_length=500, assume_scheme="https")
    video_url = forms.URLField(label=_("Video link"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "category_id").choices = categories

    @staticmethod
    def initial_from(exercise: Any) -> dict[str, Any]:
        fields = {name: getattr(exercise, name) for name in ExerciseData.__dataclass_fields__}
        return {**fields, "instructions": "\n".join(exercise.instructions), "tags": ", ".join(exercise.tags)}

    def exercise_data(self) -> ExerciseData:
        data = dict(self.cleaned_data)
        data["instructions"] = _lines(data["instructions"])
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        return ExerciseData(**data)


class NewTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    goal = forms.ChoiceField(label=_("Goal"), choices=ProgramGoal.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Difficulty.choices)


class RuleForm(forms.Form):
    """Set a program's rule, or (with an exercise) that exercise's override."""

    program_exercise_id = forms.TypedChoiceField(
        label=_("For"), coerce=int, required=False, empty_value=None, choices=()
    )
    kind = forms.ChoiceField(label=_("Rule"), choices=RuleKind.choices)
    is_enabled = forms.BooleanField(label=_("On"), required=False, initial=True)
    increment_kg = forms.DecimalField(label=_("Add (kg)"), required=False, max_digits=5, decimal_places=2)
    increment_percent = forms.DecimalField(label=_("Add (% of 1RM)"), required=False, max_digits=5, decimal_places=2)
    miss_threshold = forms.IntegerField(
        label=_("After missed sessions in a row"), required=False, min_value=1, max_value=100
    )
    deload_percent = forms.DecimalField(label=_("Reduce by (%)"), required=False, max_digits=5, decimal_places=2)

    def __init__(self, *args: Any, slots: Sequence[tuple[int | str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "program_exercise_id").choices = [("", _("Every exercise")), *slots]

    def rule_data(self) -> RuleData:
        data = {k: v for k, v in self.cleaned_data.items() if k != "program_exercise_id"}
        return RuleData(**data)
