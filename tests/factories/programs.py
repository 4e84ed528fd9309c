"""Templates are documents written by a service; these build the documents."""

from __future__ import annotations

from decimal import Decimal

from core.models import User
from domain.library.models import Exercise
from domain.programs.models import ProgramTemplate
from domain.programs.services import PhaseData, PrescriptionData, RuleData, TemplateData, WorkoutData, template_create


def squat(**overrides) -> PrescriptionData:
    """Back squat 3 x 5-8 at 100 kg unless told otherwise."""
    fields = {
        "exercise_id": Exercise.objects.get(slug="barbell-back-squat").pk,
        "sets": 3,
        "reps_min": 5,
        "reps_max": 8,
        "load_type": "kg",
        "load_value": Decimal("100"),
        "rest_seconds": 180,
    }
    return PrescriptionData(**{**fields, **overrides})


def plank(**overrides) -> PrescriptionData:
    fields = {"exercise_id": Exercise.objects.get(slug="front-plank").pk, "sets": 3, "duration_seconds": 45}
    return PrescriptionData(**{**fields, **overrides})


def template_data(
    *,
    phases: tuple[tuple[int, int], ...] = ((2, 2), (1, 1)),
    exercises: tuple[PrescriptionData, ...] | None = None,
    rules: list[RuleData] | None = None,
    name: str = "Strength base",
) -> TemplateData:
    """`phases`: (weeks, workouts per week) per phase; every workout has `exercises` (a squat by default)."""
    items = exercises if exercises is not None else (squat(),)
    return TemplateData(
        name=name,
        goal="strength",
        level="intermediate",
        rules=rules,
        phases=[
            PhaseData(
                name=f"Phase {p + 1}",
                weeks=weeks,
                focus="strength",
                workouts=[
                    WorkoutData(day=1 + 2 * w, name=f"Workout {chr(65 + w)}", exercises=items) for w in range(count)
                ],
            )
            for p, (weeks, count) in enumerate(phases)
        ],
    )


def template(*, actor: User, **kwargs) -> ProgramTemplate:
    return template_create(actor=actor, data=template_data(**kwargs))
