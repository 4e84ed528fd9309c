"""Programs to log against and workout logs, built through the services (a program is a whole document).

Use inside the `tenant` fixture (the connection on the studio's schema).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from core.models import User
from domain.library.models import Exercise
from domain.programs.models import AssignmentType, ClientProgram, LoadType, WorkoutSession
from domain.programs.services import (
    PrescriptionData,
    template_assign,
)
from domain.workouts.models import ExerciseCompletion, LoggedSet, PersonalRecord, WorkoutCompletion
from domain.workouts.services import ExerciseLogData, LoggedWorkout, SetData, WorkoutLogData, workout_log_adhoc
from tests.factories.clients import ClientTrainerFactory
from tests.factories.programs import squat, template


def bench(**overrides: object) -> PrescriptionData:
    """Bench press 3 x 8-10 at 60 kg unless told otherwise."""
    fields: dict[str, object] = {
        "exercise_id": exercise("barbell-bench-press").pk,
        "sets": 3,
        "reps_min": 8,
        "reps_max": 10,
        "load_type": LoadType.KG,
        "load_value": Decimal("60"),
    }
    return PrescriptionData(**{**fields, **overrides})  # type: ignore[arg-type]


def exercise(slug: str) -> Exercise:
    return Exercise.objects.get(slug=slug)


def link_trainer(client: User, trainer: User) -> None:
    ClientTrainerFactory(client=client, trainer=trainer, is_primary=True)


def assign_program(
    *,
    client: User,
    actor: User,
    assignment_type: str = AssignmentType.DYNAMIC_PROGRESSIVE,
    exercises: Sequence[PrescriptionData] | None = None,
    weeks: int = 2,
    workouts_per_week: int = 1,
    start_date: date | None = None,
) -> ClientProgram:
    """A one-phase program of `weeks` weeks (squat 3 x 5 at 100 kg and bench 3 x 8-10 at 60 kg by default)."""
    items = tuple(exercises) if exercises is not None else (squat(reps_min=5, reps_max=5), bench())
    made = template(actor=actor, phases=((weeks, workouts_per_week),), exercises=items)
    assignment = template_assign(
        template_id=made.pk, client_id=client.pk, actor=actor, assignment_type=assignment_type, start_date=start_date
    )
    return assignment.program


def first_session(program: ClientProgram) -> WorkoutSession:
    return program.sessions.order_by("scheduled_on", "workout_position").first()


def sets_of(reps: int, load: Decimal | str | None, count: int = 3, **extra: object) -> list[SetData]:
    value = Decimal(load) if load is not None else None
    return [SetData(reps=reps, load=value, **extra) for _ in range(count)]  # type: ignore[arg-type]


def log_for(
    session: WorkoutSession, *, reps: int | None = None, load: Decimal | None = None, **fields: object
) -> WorkoutLogData:
    """A log doing every prescribed set as prescribed (top of the range), or at the given reps / load."""
    exercises = [
        ExerciseLogData(
            session_exercise_id=item.pk,
            sets=sets_of(
                reps if reps is not None else item.reps_max, load if load is not None else item.load_value, item.sets
            ),
        )
        for item in session.exercises.all()
    ]
    return WorkoutLogData(idempotency_key=fields.pop("idempotency_key", uuid.uuid4()), exercises=exercises, **fields)


def log_adhoc(
    *, actor: User, client: User, slug: str, sets: Sequence[tuple[int, str | None]], name: str = "Hotel gym", **fields
) -> LoggedWorkout:
    """An ad-hoc workout of one exercise with (reps, load kg) sets."""
    data = WorkoutLogData(
        idempotency_key=uuid.uuid4(),
        name=name,
        exercises=[
            ExerciseLogData(
                exercise_id=exercise(slug).pk,
                sets=[SetData(reps=reps, load=Decimal(load) if load is not None else None) for reps, load in sets],
            )
        ],
        **fields,
    )
    return workout_log_adhoc(actor=actor, client_id=client.pk, data=data)


def rows_written() -> tuple[int, int, int, int]:
    """Completions, exercise completions, sets and records in the schema (to show a refusal wrote nothing)."""
    return (
        WorkoutCompletion.objects.count(),
        ExerciseCompletion.objects.count(),
        LoggedSet.objects.count(),
        PersonalRecord.objects.count(),
    )
