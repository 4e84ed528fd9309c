"""/api/v1/exercises and categories: search the library; staff add, edit, copy and hide exercises."""

from __future__ import annotations

from django.db import models
from ninja import Query, Router, Status

from core.api.pagination import CursorPage, PageParams, paginate_cursor
from core.http import AuthedRequest
from core.permissions import can, require
from domain.library import selectors, services
from domain.library.models import Exercise, ExerciseCategory
from domain.library.schemas import CategoryIn, CategoryOut, ExerciseCopyIn, ExerciseIn, ExerciseOut, VocabularyOut
from domain.library.vocabulary import Contraindication, Difficulty, Equipment, Force, Mechanics, Muscle

router = Router(tags=["exercise library"])


class ExerciseFilters(PageParams):
    q: str | None = None
    muscle: str | None = None
    primary_only: bool = False
    equipment: str | None = None
    category_id: int | None = None
    difficulty: str | None = None
    starter: bool | None = None
    include_hidden: bool = False


@router.get("/exercises", response=CursorPage[ExerciseOut], summary="Search exercises by name, muscle, equipment")
def exercise_list(request: AuthedRequest, filters: Query[ExerciseFilters]) -> dict:
    require(request.user, "library.view")
    exercises = selectors.exercise_list(
        search=filters.q,
        muscle=filters.muscle,
        primary_only=filters.primary_only,
        equipment=filters.equipment,
        category_id=filters.category_id,
        difficulty=filters.difficulty,
        starter=filters.starter,
        include_hidden=filters.include_hidden and can(request.user, "library.manage"),
    )
    return paginate_cursor(
        exercises, cursor=filters.cursor, limit=filters.limit, order=("name", "id"), shape=ExerciseOut
    )


@router.post("/exercises", response={201: ExerciseOut}, summary="Add an exercise of the studio's own")
def exercise_create(request: AuthedRequest, payload: ExerciseIn) -> Status:
    exercise = services.exercise_create(actor=request.user, data=services.ExerciseData(**payload.dict()))
    return Status(201, selectors.exercise_get(exercise_id=exercise.pk))


@router.get("/exercises/{int:exercise_id}", response=ExerciseOut, summary="One exercise")
def exercise_detail(request: AuthedRequest, exercise_id: int) -> Exercise:
    require(request.user, "library.view")
    return selectors.exercise_get(exercise_id=exercise_id)


@router.put("/exercises/{int:exercise_id}", response=ExerciseOut, summary="Edit one of the studio's exercises")
def exercise_update(request: AuthedRequest, exercise_id: int, payload: ExerciseIn) -> Exercise:
    data = services.ExerciseData(**payload.dict())
    services.exercise_update(actor=request.user, exercise_id=exercise_id, data=data)
    return selectors.exercise_get(exercise_id=exercise_id)


@router.post("/exercises/{int:exercise_id}/copy", response={201: ExerciseOut}, summary="Copy to edit")
def exercise_copy(request: AuthedRequest, exercise_id: int, payload: ExerciseCopyIn) -> Status:
    copy = services.exercise_copy(exercise_id=exercise_id, actor=request.user, hide_original=payload.hide_original)
    return Status(201, selectors.exercise_get(exercise_id=copy.pk))


@router.post("/exercises/{int:exercise_id}/hide", response=ExerciseOut, summary="Hide from the library")
def exercise_hide(request: AuthedRequest, exercise_id: int) -> Exercise:
    services.exercise_set_hidden(actor=request.user, exercise_id=exercise_id, hidden=True)
    return selectors.exercise_get(exercise_id=exercise_id)


@router.post("/exercises/{int:exercise_id}/show", response=ExerciseOut, summary="Show in the library again")
def exercise_show(request: AuthedRequest, exercise_id: int) -> Exercise:
    services.exercise_set_hidden(actor=request.user, exercise_id=exercise_id, hidden=False)
    return selectors.exercise_get(exercise_id=exercise_id)


@router.get("/exercise-categories", response=list[CategoryOut], summary="The category tree, parents first")
def category_list(request: AuthedRequest) -> list[ExerciseCategory]:
    require(request.user, "library.view")
    return selectors.category_list()


@router.post("/exercise-categories", response={201: CategoryOut}, summary="Add a category")
def category_create(request: AuthedRequest, payload: CategoryIn) -> Status:
    category = services.category_create(actor=request.user, name=payload.name, parent_id=payload.parent_id)
    return Status(201, next(c for c in selectors.category_list() if c.pk == category.pk))


def _terms(choices: type[models.TextChoices]) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in choices.choices]


@router.get("/exercise-vocabulary", response=VocabularyOut, summary="The closed lists exercises use")
def vocabulary(request: AuthedRequest) -> dict:
    require(request.user, "library.view")
    return {
        "muscles": _terms(Muscle),
        "equipment": _terms(Equipment),
        "contraindications": _terms(Contraindication),
        "difficulty": _terms(Difficulty),
        "mechanics": _terms(Mechanics),
        "force": _terms(Force),
    }
