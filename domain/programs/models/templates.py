"""Program templates: the shared prescription fields and limits, phases, weekly workouts, exercise slots."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import one_of
from core.models import TimeStampedModel
from domain.library.vocabulary import Difficulty


class ProgramGoal(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    HYPERTROPHY = "hypertrophy", _("Muscle gain")
    FAT_LOSS = "fat_loss", _("Fat loss")
    ENDURANCE = "endurance", _("Endurance")
    GENERAL_FITNESS = "general_fitness", _("General fitness")
    MOBILITY = "mobility", _("Mobility")
    SPORT = "sport", _("Sport performance")
    REHAB = "rehab", _("Rehab and return to training")


class LoadType(models.TextChoices):
    NONE = "none", _("No load (bodyweight)")
    KG = "kg", _("kg")
    PERCENT_1RM = "percent_1rm", _("% of 1RM")
    RPE = "rpe", _("RPE")


# Bounds of a prescription, shared by the service's messages and the database's constraints.
MAX_SETS = 20
MAX_REPS = 100
MAX_DURATION_SECONDS = 7200
MAX_REST_SECONDS = 1800
MAX_LOAD = {LoadType.KG: Decimal("1000"), LoadType.PERCENT_1RM: Decimal("120"), LoadType.RPE: Decimal("10")}
MIN_LOAD = {LoadType.KG: Decimal("0.5"), LoadType.PERCENT_1RM: Decimal("1"), LoadType.RPE: Decimal("1")}
TEMPO_PATTERN = r"^([0-9]{1,2}|X)(-([0-9]{1,2}|X)){3}$"
SUPERSET_PATTERN = r"^[A-Z]?$"
MAX_PHASE_WEEKS = 52


def _load_constraint() -> models.Q:
    rules = models.Q(load_type=LoadType.NONE, load_value__isnull=True)
    for load_type, maximum in MAX_LOAD.items():
        rules |= models.Q(load_type=load_type, load_value__gte=MIN_LOAD[load_type], load_value__lte=maximum)
    return rules


def prescription_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The same rules on every table that holds a prescription (template, client slot, session)."""
    return [
        models.CheckConstraint(condition=models.Q(sets__gte=1, sets__lte=MAX_SETS), name=f"{prefix}_sets_range"),
        models.CheckConstraint(
            condition=(
                models.Q(reps_min__gte=1, reps_max__lte=MAX_REPS, reps_max__gte=models.F("reps_min"))
                & models.Q(duration_seconds__isnull=True)
            )
            | (
                models.Q(reps_min__isnull=True, reps_max__isnull=True)
                & models.Q(duration_seconds__gte=1, duration_seconds__lte=MAX_DURATION_SECONDS)
            ),
            name=f"{prefix}_reps_or_duration",
        ),
        models.CheckConstraint(condition=_load_constraint(), name=f"{prefix}_load_valid"),
        models.CheckConstraint(
            condition=models.Q(tempo="") | models.Q(tempo__regex=TEMPO_PATTERN), name=f"{prefix}_tempo_format"
        ),
        models.CheckConstraint(
            condition=models.Q(rest_seconds__isnull=True) | models.Q(rest_seconds__lte=MAX_REST_SECONDS),
            name=f"{prefix}_rest_range",
        ),
        models.CheckConstraint(
            condition=models.Q(superset_group__regex=SUPERSET_PATTERN), name=f"{prefix}_superset_format"
        ),
    ]


class Prescription(models.Model):
    """What to do with one exercise: sets of reps (a range) or of a duration, at a load, tempo and rest."""

    exercise = models.ForeignKey(
        "library.Exercise", verbose_name=_("exercise"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    sets = models.PositiveSmallIntegerField(_("sets"))
    reps_min = models.PositiveSmallIntegerField(_("reps (low end)"), null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(_("reps (high end)"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    load_type = models.CharField(_("load as"), max_length=12, choices=LoadType.choices, default=LoadType.NONE)
    load_value = models.DecimalField(_("load"), max_digits=6, decimal_places=2, null=True, blank=True)
    tempo = models.CharField(_("tempo"), max_length=11, blank=True)
    rest_seconds = models.PositiveSmallIntegerField(_("rest (s)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    superset_group = models.CharField(_("superset group"), max_length=1, blank=True)

    PRESCRIPTION_FIELDS = (
        "exercise_id",
        "sets",
        "reps_min",
        "reps_max",
        "duration_seconds",
        "load_type",
        "load_value",
        "tempo",
        "rest_seconds",
        "notes",
        "superset_group",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.exercise} {self.sets}×{self.reps_display}"

    def prescription(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.PRESCRIPTION_FIELDS}

    @property
    def reps_display(self) -> str:
        if self.duration_seconds:
            return gettext("%(seconds)d s") % {"seconds": self.duration_seconds}
        if self.reps_min == self.reps_max:
            return str(self.reps_min)
        return f"{self.reps_min}–{self.reps_max}"

    @property
    def load_display(self) -> str:
        if self.load_type == LoadType.NONE or self.load_value is None:
            return ""
        value = f"{self.load_value.normalize():f}"
        return {
            LoadType.KG: gettext("%(value)s kg"),
            LoadType.PERCENT_1RM: gettext("%(value)s%% 1RM"),
            LoadType.RPE: gettext("RPE %(value)s"),
        }[LoadType(self.load_type)] % {"value": value}


class ProgramTemplate(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    goal = models.CharField(_("goal"), max_length=20, choices=ProgramGoal.choices, default=ProgramGoal.GENERAL_FITNESS)
    level = models.CharField(_("level"), max_length=20, choices=Difficulty.choices, default=Difficulty.BEGINNER)
    duration_weeks = models.PositiveSmallIntegerField(_("duration (weeks)"), default=0)  # sum of its phases' weeks
    is_archived = models.BooleanField(_("archived"), default=False)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("program template")
        verbose_name_plural = _("program templates")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="programs_template_name_not_blank"),
            one_of("goal", ProgramGoal, name="programs_template_goal"),
            one_of("level", Difficulty, name="programs_template_level"),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseFields(models.Model):
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=80)
    weeks = models.PositiveSmallIntegerField(_("weeks"))
    focus = models.CharField(_("focus"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ProgramPhase(PhaseFields):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="phases")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="programs_phase_position_unique"),
            models.CheckConstraint(
                condition=models.Q(weeks__gte=1, weeks__lte=MAX_PHASE_WEEKS), name="programs_phase_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateWorkout(models.Model):
    """A workout of each week of a phase; `day` 1-7 counts from the program's start date's weekday."""

    phase = models.ForeignKey(ProgramPhase, on_delete=models.CASCADE, related_name="workouts")
    position = models.PositiveSmallIntegerField(_("order"))
    day = models.PositiveSmallIntegerField(_("day of the week"))
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "position"], name="programs_workout_position_unique"),
            models.CheckConstraint(condition=models.Q(day__gte=1, day__lte=7), name="programs_workout_day_range"),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateExercise(Prescription):
    workout = models.ForeignKey(TemplateWorkout, on_delete=models.CASCADE, related_name="exercises")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["workout", "position"], name="programs_texercise_position_unique"),
            *prescription_constraints("programs_texercise"),
        ]
