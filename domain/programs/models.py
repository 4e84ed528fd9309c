"""Program templates (phases, weekly workouts, prescriptions) and the programs assigned to clients.

A template is the trainer's reusable plan. Assigning it copies it into the client's own program
(phases, one live prescription per exercise slot, and every scheduled WORKOUT_SESSION with its
SESSION_EXERCISEs), so later edits of the template never change a client's running program.
Progression rules are rows: on a template they are the defaults copied at assignment; on a client
program they are what actually runs, overridable per exercise.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import one_of, stamped_iff
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


class AssignmentType(models.TextChoices):
    STATIC = "STATIC", _("Static: the trainer moves week and phase")
    DYNAMIC_PROGRESSIVE = "DYNAMIC_PROGRESSIVE", _("Dynamic: advances and progresses from completed workouts")


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ClientProgram(TimeStampedModel):
    """A template assigned to a client; `current_phase`/`current_week` are 1-based (week within the phase)."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programs")
    template = models.ForeignKey(
        ProgramTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    name = models.CharField(_("name"), max_length=120)
    goal = models.CharField(_("goal"), max_length=20, choices=ProgramGoal.choices)
    level = models.CharField(_("level"), max_length=20, choices=Difficulty.choices)
    assignment_type = models.CharField(_("type"), max_length=20, choices=AssignmentType.choices)
    status = models.CharField(_("status"), max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE)
    start_date = models.DateField(_("start date"))
    current_phase = models.PositiveSmallIntegerField(_("current phase"), default=1)
    current_week = models.PositiveSmallIntegerField(_("current week of the phase"), default=1)
    total_weeks = models.PositiveSmallIntegerField(_("weeks"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Contraindication warnings shown to the trainer at assignment, kept so the program page shows them too.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("client program")
        verbose_name_plural = _("client programs")
        ordering = ["-start_date", "-id"]
        constraints = [
            one_of("assignment_type", AssignmentType, name="programs_cp_type_valid"),
            one_of("status", ProgramStatus, name="programs_cp_status"),
            models.CheckConstraint(
                condition=models.Q(current_phase__gte=1, current_week__gte=1, total_weeks__gte=1),
                name="programs_cp_position_positive",
            ),
            stamped_iff(
                "status", ProgramStatus.COMPLETED, "completed_at", name="programs_cp_completed_at_iff_completed"
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="programs_cp_client_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_dynamic(self) -> bool:
        return self.assignment_type == AssignmentType.DYNAMIC_PROGRESSIVE


class ClientProgramPhase(PhaseFields):
    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="phases")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["client_program", "position"], name="programs_cpphase_position_unique"),
            models.CheckConstraint(
                condition=models.Q(weeks__gte=1, weeks__lte=MAX_PHASE_WEEKS), name="programs_cpphase_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClientProgramExercise(Prescription):
    """One exercise slot of the client's program (phase, workout, order) and its live prescription.

    The slot repeats every week of its phase; progression rules change this prescription and the
    not-yet-done sessions that follow it.
    """

    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="exercises")
    phase_position = models.PositiveSmallIntegerField()
    workout_position = models.PositiveSmallIntegerField()
    miss_streak = models.PositiveSmallIntegerField(_("sessions in a row with a missed target"), default=0)
    source = models.ForeignKey(TemplateExercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["phase_position", "workout_position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_program", "phase_position", "workout_position", "position"],
                name="programs_cpexercise_slot_unique",
            ),
            *prescription_constraints("programs_cpexercise"),
        ]


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    SKIPPED = "skipped", _("Skipped")


DONE_STATUSES = (SessionStatus.COMPLETED, SessionStatus.SKIPPED)


class WorkoutSession(TimeStampedModel):
    """A scheduled workout of a client program on a calendar date of the studio's time zone."""

    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="sessions")
    phase_position = models.PositiveSmallIntegerField(_("phase"))
    week = models.PositiveSmallIntegerField(_("week of the phase"))
    program_week = models.PositiveSmallIntegerField(_("week of the program"))
    workout_position = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField(_("day"))
    name = models.CharField(_("name"), max_length=80)
    scheduled_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["scheduled_on", "program_week", "workout_position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_program", "phase_position", "week", "workout_position"],
                name="programs_session_slot_unique",
            ),
            one_of("status", SessionStatus, name="programs_session_status"),
            stamped_iff(
                "status", SessionStatus.COMPLETED, "completed_at", name="programs_session_completed_at_iff_completed"
            ),
        ]
        indexes = [
            models.Index(fields=["client_program", "phase_position", "week"], name="programs_session_week"),
            models.Index(fields=["client_program", "scheduled_on"], name="programs_session_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.scheduled_on})"


class SessionExercise(Prescription):
    """An exercise of a scheduled session, as prescribed for that day (a copy of its slot's prescription)."""

    session = models.ForeignKey(WorkoutSession, on_delete=models.CASCADE, related_name="exercises")
    program_exercise = models.ForeignKey(ClientProgramExercise, on_delete=models.CASCADE, related_name="sessions")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="programs_sexercise_position_unique"),
            *prescription_constraints("programs_sexercise"),
        ]


class RuleKind(models.TextChoices):
    LOAD_INCREASE = "load_increase", _("Add load when every set reaches the top of the rep range")
    DELOAD = "deload", _("Reduce load after missed targets in a row")


class ProgressionRule(TimeStampedModel):
    """A progression rule as data: on a template (defaults) or on a client program (what runs).

    A rule without an exercise applies to every exercise of its template/program; a rule of the same
    kind on one exercise overrides it for that exercise (including switching it off).
    """

    template = models.ForeignKey(ProgramTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    template_exercise = models.ForeignKey(
        TemplateExercise, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    client_program = models.ForeignKey(
        ClientProgram, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    program_exercise = models.ForeignKey(
        ClientProgramExercise, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("rule"), max_length=20, choices=RuleKind.choices)
    is_enabled = models.BooleanField(_("on"), default=True)
    increment_kg = models.DecimalField(_("add (kg)"), max_digits=5, decimal_places=2, null=True, blank=True)
    increment_percent = models.DecimalField(
        _("add (percentage points of 1RM)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    miss_threshold = models.PositiveSmallIntegerField(_("missed sessions in a row"), null=True, blank=True)
    deload_percent = models.DecimalField(_("reduce by (%)"), max_digits=5, decimal_places=2, null=True, blank=True)

    RULE_FIELDS = ("kind", "is_enabled", "increment_kg", "increment_percent", "miss_threshold", "deload_percent")

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(template__isnull=False, client_program__isnull=True, program_exercise__isnull=True)
                | models.Q(template__isnull=True, client_program__isnull=False, template_exercise__isnull=True),
                name="programs_rule_one_owner",
            ),
            one_of("kind", RuleKind, name="programs_rule_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(kind=RuleKind.LOAD_INCREASE)
                | models.Q(
                    increment_kg__gt=0,
                    increment_kg__lte=50,
                    increment_percent__gt=0,
                    increment_percent__lte=20,
                    miss_threshold__isnull=True,
                    deload_percent__isnull=True,
                ),
                name="programs_rule_load_increase_params",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=RuleKind.DELOAD)
                | models.Q(
                    miss_threshold__gte=1,
                    miss_threshold__lte=10,
                    deload_percent__gt=0,
                    deload_percent__lte=50,
                    increment_kg__isnull=True,
                    increment_percent__isnull=True,
                ),
                name="programs_rule_deload_params",
            ),
            models.UniqueConstraint(
                fields=["template", "template_exercise", "kind"],
                condition=models.Q(template__isnull=False),
                nulls_distinct=False,
                name="programs_rule_template_scope_unique",
            ),
            models.UniqueConstraint(
                fields=["client_program", "program_exercise", "kind"],
                condition=models.Q(client_program__isnull=False),
                nulls_distinct=False,
                name="programs_rule_program_scope_unique",
            ),
        ]

    def describe(self) -> str:
        """The rule in words, for the trainer."""
        if not self.is_enabled:
            return gettext("Off.")
        if self.kind == RuleKind.LOAD_INCREASE:
            return gettext(
                "When every set reaches the top of the rep range, add %(kg)s kg (or %(pct)s percentage points "
                "of 1RM) next time."
            ) % {"kg": _plain(self.increment_kg), "pct": _plain(self.increment_percent)}
        return gettext("After %(misses)d sessions in a row with a missed target, reduce the load by %(pct)s%%.") % {
            "misses": self.miss_threshold,
            "pct": _plain(self.deload_percent),
        }


def _plain(value: Decimal | None) -> str:
    return f"{value.normalize():f}" if value is not None else "-"


class ProgressionEvent(models.Model):
    """What a rule did to a client's prescription and why; the trainer's record of automatic changes."""

    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="progression_events")
    program_exercise = models.ForeignKey(ClientProgramExercise, on_delete=models.CASCADE, related_name="events")
    session = models.ForeignKey(WorkoutSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    old_load = models.DecimalField(max_digits=6, decimal_places=2)
    new_load = models.DecimalField(max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client_program", "-created_at"], name="programs_event_program")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old_load} → {self.new_load}"
