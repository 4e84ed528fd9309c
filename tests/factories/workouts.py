"""Programs to log against and workout logs, built through the services (a program is a whole document).

Use inside the `tenant` fixture (the connection on the studio's schema).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.models import User
from domain.clients.models import ClientTrainer
from domain.library.models import Exercise
from domain.programs.models import AssignmentType, ClientProgram, LoadType, WorkoutSession
from domain.programs.services import (
    PhaseData,
    PrescriptionData,
    TemplateData,
    WorkoutData,
    template_assign,
    template_create,
)
from domain.workouts.services import ExerciseLogData, LoggedWorkout, SetData, WorkoutLogData, workout_log_adhoc


@dataclass(frozen=True)
class Slot:
    """One prescribed exercise: `sets` x `reps_min`-`reps_max` at `load_kg` (None: bodyweight)."""

    slug: str
    sets: int = 3
    reps_min: int = 5
    reps_max: int = 5
    load_kg: Decimal | None = Decimal("100")


SQUAT_DAY = (Slot("barbell-back-squat"), Slot("barbell-bench-press", load_kg=Decimal("60"), reps_min=8, reps_max=10))


def exercise(slug: str) -> Exercise:
    return Exercise.objects.get(slug=slug)


def link_trainer(client: User, trainer: User) -> None:
    ClientTrainer.objects.create(client=client, trainer=trainer, is_primary=True)


def assign_program(
    *,
    client: User,
    actor: User,
    assignment_type: str = AssignmentType.DYNAMIC_PROGRESSIVE,
    slots: Sequence[Slot] = SQUAT_DAY,
    weeks: int = 2,
    workouts_per_week: int = 1,
    start_date: date | None = None,
) -> ClientProgram:
    """A one-phase program of `weeks` weeks with the same workout(s) every week, assigned to `client`."""
    items = [
        PrescriptionData(
            exercise_id=exercise(slot.slug).pk,
            sets=slot.sets,
            reps_min=slot.reps_min,
            reps_max=slot.reps_max,
            load_type=LoadType.KG if slot.load_kg is not None else LoadType.NONE,
            load_value=slot.load_kg,
        )
        for slot in slots
    ]
    workouts = [WorkoutData(day=1 + 2 * n, name=f"Day {n + 1}", exercises=items) for n in range(workouts_per_week)]
    template = template_create(
        actor=actor,
        data=TemplateData(name="Strength base", phases=[PhaseData(name="Base", weeks=weeks, workouts=workouts)]),
    )
    assignment = template_assign(
        template_id=template.pk, client=client, actor=actor, assignment_type=assignment_type, start_date=start_date
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
