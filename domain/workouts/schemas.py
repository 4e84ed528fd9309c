"""API shapes of workout logging. Stored values are metric (`*_kg`); `*_display` fields are the same
values in the viewer's units ("225 lb"), so apps need no conversion tables of their own.
Datetimes go out in the studio's zone, with its offset."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Schema
from pydantic import Field

from core.api.types import ApiDateTime, ApiDecimal
from core.studio_time import StudioTime
from domain.programs.models import LoadType, Prescription, WorkoutSession
from domain.progress.units import WHOLE, display, load_display
from domain.progress.units import Dimension as _Dimension
from domain.workouts import strength
from domain.workouts.models import PersonalRecord, RecordKind, WorkoutCompletion
from domain.workouts.selectors import ExerciseRecords, LiftSeries, WeekSummary
from domain.workouts.services import ExerciseLogData, SetData, WorkoutLogData

# --- input ---------------------------------------------------------------------------------------


class SetIn(Schema):
    reps: int | None = None
    duration_seconds: int | None = None
    load: ApiDecimal | None = Field(None, description="In `load_unit`; empty or 0 for bodyweight")
    rpe: ApiDecimal | None = Field(None, description="1-10 in half steps")
    rir: int | None = Field(None, description="Reps in reserve, 0-10")
    completed: bool = True


class ExerciseLogIn(Schema):
    session_exercise_id: int | None = Field(None, description="A prescribed exercise of the workout")
    exercise_id: int | None = Field(None, description="Or any library exercise (added on the day, or ad hoc)")
    skipped: bool = False
    notes: str = ""
    sets: list[SetIn] = Field(default_factory=list, max_length=100)


class WorkoutLogIn(Schema):
    idempotency_key: uuid.UUID = Field(
        description="Made by the device when the workout starts; sending the same log again returns the same result"
    )
    exercises: list[ExerciseLogIn] = Field(max_length=100)
    completed_at: ApiDateTime | None = None
    started_at: ApiDateTime | None = None
    duration_minutes: int | None = None
    perceived_effort: int | None = Field(None, description="Session RPE, 1-10")
    mood: str = ""
    notes: str = ""
    load_unit: Literal["kg", "lb"] = "kg"

    def to_data(self, *, name: str = "") -> WorkoutLogData:
        return WorkoutLogData(
            idempotency_key=self.idempotency_key,
            name=name,
            exercises=[
                ExerciseLogData(
                    session_exercise_id=item.session_exercise_id,
                    exercise_id=item.exercise_id,
                    skipped=item.skipped,
                    notes=item.notes,
                    sets=[SetData(**logged.model_dump()) for logged in item.sets],
                )
                for item in self.exercises
            ],
            completed_at=self.completed_at,
            started_at=self.started_at,
            duration_minutes=self.duration_minutes,
            perceived_effort=self.perceived_effort,
            mood=self.mood,
            notes=self.notes,
            load_unit=self.load_unit,
        )


class AdhocWorkoutIn(WorkoutLogIn):
    name: str = Field(max_length=120, description="What the workout was, e.g. “Hotel gym”")


class HistoryQuery(Schema):
    cursor: str | None = None
    limit: int = 20


class SummaryQuery(Schema):
    weeks: int = Field(12, ge=1, le=104)
    lifts: int = Field(4, ge=1, le=10)


# --- output --------------------------------------------------------------------------------------


class SetOut(Schema):
    id: int
    set_number: int
    reps: int | None
    duration_seconds: int | None
    load_kg: Decimal | None
    load_display: str
    rpe: Decimal | None
    rir: int | None
    completed: bool
    e1rm_kg: Decimal | None = Field(description="Estimated 1RM shown: Brzycki up to 10 reps, Epley above")


class ExerciseLogOut(Schema):
    id: int
    exercise_id: int
    exercise_name: str
    session_exercise_id: int | None
    position: int
    skipped: bool
    notes: str
    sets: list[SetOut]


class RecordOut(Schema):
    id: int
    exercise_id: int
    exercise_name: str
    kind: RecordKind
    kind_label: str
    value: Decimal = Field(description="kg for loads and estimated 1RMs; repetitions for most_reps")
    previous_value: Decimal | None
    load_kg: Decimal | None
    reps: int | None
    achieved_on: date
    display: str
    is_improvement: bool = Field(description="False for the first log of an exercise (a baseline)")


class CompletionOut(Schema):
    id: int
    client_id: int
    session_id: int | None
    client_program_id: int | None
    name: str
    performed_on: date
    started_at: StudioTime | None
    completed_at: StudioTime
    duration_minutes: int | None
    perceived_effort: int | None
    mood: str
    notes: str
    volume_kg: Decimal
    volume_display: str
    sets_completed: int
    logged_by_id: int | None
    units: str
    exercises: list[ExerciseLogOut]
    records: list[RecordOut]


class LoadChangeOut(Schema):
    exercise_name: str
    kind: str
    old_load: Decimal
    new_load: Decimal


class ProgramEffectOut(Schema):
    client_program_id: int
    status: str
    current_phase: int
    current_week: int
    weeks_advanced: int
    load_changes: list[LoadChangeOut]


class WorkoutLoggedOut(CompletionOut):
    replayed: bool = Field(description="True when this log had already been received (same idempotency key)")
    program: ProgramEffectOut | None


class PrescribedOut(Schema):
    id: int
    exercise_id: int
    exercise_name: str
    position: int
    sets: int
    reps_min: int | None
    reps_max: int | None
    duration_seconds: int | None
    load_type: str
    load_value: Decimal | None
    load_display: str
    tempo: str
    rest_seconds: int | None
    notes: str
    superset_group: str


class WorkoutOut(Schema):
    id: int
    client_id: int
    client_program_id: int
    program_name: str
    name: str
    scheduled_on: date
    phase: int
    week: int
    status: str
    units: str
    exercises: list[PrescribedOut]
    completion: CompletionOut | None


class ExerciseRecordsOut(Schema):
    exercise_id: int
    exercise_name: str
    heaviest_load: RecordOut | None
    best_e1rm: RecordOut | None
    most_reps: list[RecordOut]


class WeekOut(Schema):
    week_start: date
    volume_kg: Decimal
    volume_display: str
    workouts: int
    due: int
    completed: int
    adherence: int | None = Field(description="Percent of due program workouts completed")


class PointOut(Schema):
    date: date
    e1rm_kg: Decimal
    display: str


class LiftOut(Schema):
    exercise_id: int
    name: str
    points: list[PointOut]


class TrainingSummaryOut(Schema):
    units: str
    weeks: list[WeekOut]
    lifts: list[LiftOut]


# --- shaping -------------------------------------------------------------------------------------


def volume_display(volume_kg: Decimal, system: str) -> str:
    """Tonnage in whole units, converted from the exact stored kilograms and rounded once:
    200 lb x 5 (stored 90.72 kg x 5 = 453.6 kg) reads "1000 lb", 102.5 kg x 3 in pounds "678 lb"."""
    return display(volume_kg, _Dimension.MASS, system, step=WHOLE)


def record_text(record: PersonalRecord, system: str) -> str:
    """A record in words: "140 kg", "8 reps at 100 kg", "e1RM 150 kg (5 x 132.5 kg, Brzycki)"."""
    if record.kind == RecordKind.HEAVIEST_LOAD:
        return load_display(record.value, system)
    if record.kind == RecordKind.MOST_REPS:
        reps, at = int(record.value), load_display(record.load_kg, system)
        if not at:
            return ngettext("%(reps)d rep", "%(reps)d reps", reps) % {"reps": reps}
        return ngettext("%(reps)d rep at %(load)s", "%(reps)d reps at %(load)s", reps) % {"reps": reps, "load": at}
    return _("%(e1rm)s (%(reps)d x %(load)s, %(formula)s)") % {
        "e1rm": load_display(record.value, system),
        "reps": record.reps or 1,
        "load": load_display(record.load_kg, system),
        "formula": strength.formula_for(record.reps or 1),
    }


def record_out(record: PersonalRecord, system: str) -> dict[str, Any]:
    return {
        "id": record.pk,
        "exercise_id": record.exercise_id,
        "exercise_name": record.exercise.name,
        "kind": record.kind,
        "kind_label": str(RecordKind(record.kind).label),
        "value": record.value,
        "previous_value": record.previous_value,
        "load_kg": record.load_kg,
        "reps": record.reps,
        "achieved_on": record.achieved_on,
        "display": record_text(record, system),
        "is_improvement": record.previous_value is not None,
    }


def completion_out(completion: WorkoutCompletion, system: str) -> dict[str, Any]:
    """A completion loaded with `selectors.with_detail` as the API shows it."""
    return {
        **{
            name: getattr(completion, name)
            for name in (
                "id",
                "client_id",
                "session_id",
                "client_program_id",
                "name",
                "performed_on",
                "started_at",
                "completed_at",
                "duration_minutes",
                "perceived_effort",
                "mood",
                "notes",
                "volume_kg",
                "sets_completed",
                "logged_by_id",
            )
        },
        "volume_display": volume_display(completion.volume_kg, system),
        "units": system,
        "exercises": [
            {
                "id": item.pk,
                "exercise_id": item.exercise_id,
                "exercise_name": item.exercise.name,
                "session_exercise_id": item.session_exercise_id,
                "position": item.position,
                "skipped": item.skipped,
                "notes": item.notes,
                "sets": [
                    {
                        "id": s.pk,
                        "set_number": s.set_number,
                        "reps": s.reps,
                        "duration_seconds": s.duration_seconds,
                        "load_kg": s.load_kg,
                        "load_display": load_display(s.load_kg, system),
                        "rpe": s.rpe,
                        "rir": s.rir,
                        "completed": s.completed,
                        "e1rm_kg": s.e1rm_kg,
                    }
                    for s in item.sets.all()
                ],
            }
            for item in completion.exercises.all()
        ],
        "records": [record_out(record, system) for record in completion.records.all()],
    }


def prescription_load(item: Prescription, system: str) -> str:
    """A prescribed load in the viewer's units when it is a weight; %1RM and RPE read the same everywhere."""
    if item.load_type == LoadType.KG:
        return load_display(item.load_value, system)
    return item.load_display


def workout_out(session: WorkoutSession, completion: WorkoutCompletion | None, system: str) -> dict[str, Any]:
    program = session.client_program
    return {
        "id": session.pk,
        "client_id": program.client_id,
        "client_program_id": program.pk,
        "program_name": program.name,
        "name": session.name,
        "scheduled_on": session.scheduled_on,
        "phase": session.phase_position,
        "week": session.week,
        "status": session.status,
        "units": system,
        "exercises": [
            {
                "id": item.pk,
                "exercise_id": item.exercise_id,
                "exercise_name": item.exercise.name,
                "position": item.position,
                **{name: getattr(item, name) for name in Prescription.PRESCRIPTION_FIELDS if name != "exercise_id"},
                "load_display": prescription_load(item, system),
            }
            for item in session.exercises.all()
        ],
        "completion": completion_out(completion, system) if completion else None,
    }


def records_board_out(boards: list[ExerciseRecords], system: str) -> list[dict[str, Any]]:
    return [
        {
            "exercise_id": board.exercise.pk,
            "exercise_name": board.exercise.name,
            "heaviest_load": record_out(board.heaviest_load, system) if board.heaviest_load else None,
            "best_e1rm": record_out(board.best_e1rm, system) if board.best_e1rm else None,
            "most_reps": [record_out(record, system) for record in board.most_reps],
        }
        for board in boards
    ]


def summary_out(weeks: list[WeekSummary], lifts: list[LiftSeries], system: str) -> dict[str, Any]:
    return {
        "units": system,
        "weeks": [
            {
                "week_start": week.week_start,
                "volume_kg": week.volume_kg,
                "volume_display": volume_display(week.volume_kg, system),
                "workouts": week.workouts,
                "due": week.due,
                "completed": week.completed,
                "adherence": week.adherence,
            }
            for week in weeks
        ],
        "lifts": [
            {
                "exercise_id": lift.exercise_id,
                "name": lift.name,
                "points": [
                    {"date": day, "e1rm_kg": value, "display": load_display(value, system)}
                    for day, value in lift.points
                ],
            }
            for lift in lifts
        ],
    }
