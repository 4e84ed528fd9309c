"""API shapes of templates, client programs and their scheduled workouts."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from core.api.shapes import Out
from core.api.types import ApiDate, ApiDecimal
from domain.programs.models import LoadType


class RuleIn(Schema):
    kind: str = Field(max_length=20)
    is_enabled: bool = True
    increment_kg: ApiDecimal | None = Field(default=None, max_digits=5, decimal_places=2)
    increment_percent: ApiDecimal | None = Field(default=None, max_digits=5, decimal_places=2)
    miss_threshold: int | None = None
    deload_percent: ApiDecimal | None = Field(default=None, max_digits=5, decimal_places=2)


class RuleOut(Schema):
    id: int
    kind: str
    is_enabled: bool
    increment_kg: float | None
    increment_percent: float | None
    miss_threshold: int | None
    deload_percent: float | None
    description: str
    program_exercise_id: int | None = None


class ProgramRuleIn(RuleIn):
    program_exercise_id: int | None = Field(None, description="Set to override the rule for one exercise only.")


class PrescriptionIn(Schema):
    exercise_id: int
    sets: int = Field(ge=0, le=1000)
    reps_min: int | None = Field(default=None, ge=0, le=10000)
    reps_max: int | None = Field(default=None, ge=0, le=10000)
    duration_seconds: int | None = Field(default=None, ge=0, le=100000)
    load_type: str = Field(default=LoadType.NONE, max_length=12)
    load_value: ApiDecimal | None = Field(default=None, max_digits=6, decimal_places=2)
    tempo: str = Field(default="", max_length=11)
    rest_seconds: int | None = Field(default=None, ge=0, le=100000)
    notes: str = Field(default="", max_length=2000)
    superset_group: str = Field(default="", max_length=1)
    rules: list[RuleIn] = Field(default_factory=list, max_length=5)


class WorkoutIn(Schema):
    day: int
    name: str = Field(max_length=80)
    exercises: list[PrescriptionIn] = Field(default_factory=list, max_length=30)


class PhaseIn(Schema):
    name: str = Field(max_length=80)
    weeks: int
    focus: str = Field(default="", max_length=200)
    workouts: list[WorkoutIn] = Field(default_factory=list, max_length=14)


class TemplateIn(Schema):
    name: str = Field(max_length=120)
    goal: str = Field(default="general_fitness", max_length=20)
    level: str = Field(default="beginner", max_length=20)
    description: str = Field(default="", max_length=5000)
    phases: list[PhaseIn] = Field(default_factory=list, max_length=12)
    rules: list[RuleIn] | None = Field(None, description="Omit on create for the default rules; [] for none.")


class ExerciseRef(Schema):
    id: int
    name: str


class PrescriptionOut(Schema):
    id: int
    position: int
    exercise: ExerciseRef
    sets: int
    reps_min: int | None
    reps_max: int | None
    duration_seconds: int | None
    load_type: str
    load_value: float | None
    tempo: str
    rest_seconds: int | None
    notes: str
    superset_group: str
    reps_display: str
    load_display: str


class TemplateExerciseOut(PrescriptionOut):
    rules: list[RuleOut]


class ProgramWorkoutOut(Schema):
    id: int
    position: int
    day: int
    name: str
    exercises: list[TemplateExerciseOut]


class PhaseOut(Schema):
    id: int
    position: int
    name: str
    weeks: int
    focus: str
    workouts: list[ProgramWorkoutOut]


class TemplateSummaryOut(Out):
    id: int
    name: str
    goal: str
    level: str
    description: str
    duration_weeks: int
    is_archived: bool
    updated_at: datetime


class TemplateOut(TemplateSummaryOut):
    rules: list[RuleOut]
    phases: list[PhaseOut]


class ProgramCopyIn(Schema):
    name: str | None = Field(None, max_length=120)


class AssignIn(Schema):
    client_id: int
    assignment_type: str = Field(description="STATIC or DYNAMIC_PROGRESSIVE", max_length=20)
    start_date: ApiDate | None = Field(None, description="Default: today in the studio's time zone.")


class WarningOut(Schema):
    exercise_id: int
    exercise_name: str
    contraindication: str
    health_entry: str
    source: str
    message: str


class ProgramOut(Schema):
    id: int
    client_id: int
    template_id: int | None
    name: str
    goal: str
    level: str
    assignment_type: str
    status: str
    start_date: date
    current_phase: int
    current_week: int
    total_weeks: int
    completed_at: datetime | None
    warnings: list[WarningOut]


class AssignOut(Schema):
    program: ProgramOut
    warnings: list[WarningOut]


class ProgramPhaseOut(Schema):
    position: int
    name: str
    weeks: int
    focus: str


class ProgramSlotOut(PrescriptionOut):
    phase_position: int
    workout_position: int
    miss_streak: int


class EventOut(Schema):
    id: int
    kind: str
    exercise_name: str
    old_load: float
    new_load: float
    session_id: int | None
    created_at: datetime


class ProgramDetailOut(ProgramOut):
    phases: list[ProgramPhaseOut]
    exercises: list[ProgramSlotOut]
    rules: list[RuleOut]
    events: list[EventOut]


class ProgressIn(Schema):
    current_phase: int = Field(ge=1, le=100)
    current_week: int = Field(ge=1, le=100)
    status: str = Field(max_length=12)


class SessionOut(Schema):
    id: int
    program_id: int
    phase: int
    week: int
    program_week: int
    day: int
    name: str
    scheduled_on: date
    status: str
    completed_at: datetime | None
    exercises: list[PrescriptionOut]
