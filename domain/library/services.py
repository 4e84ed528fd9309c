"""Writes to the exercise library. Starter exercises are read-only: studios hide them or copy and edit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ConflictError
from core.models import User
from core.permissions import require
from core.queries import locked_or_404
from core.validation import FieldErrors
from domain.library.models import Exercise, ExerciseCategory
from domain.library.vocabulary import Contraindication, Difficulty, Equipment, Force, Mechanics, Muscle

CUSTOM_SLUG_PREFIX = "custom-"  # studio-made exercises never collide with starter slugs shipped later


@dataclass(frozen=True, kw_only=True)
class ExerciseData:
    """Everything an exercise says, as the trainer entered it (create and full update)."""

    name: str
    category_id: int
    primary_muscles: list[str]
    equipment: list[str]
    difficulty: str
    mechanics: str
    force: str = Force.OTHER
    description: str = ""
    instructions: list[str] = field(default_factory=list)
    secondary_muscles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    contraindications: list[str] = field(default_factory=list)
    image_url: str = ""
    video_url: str = ""


def _clean(data: ExerciseData) -> dict[str, object]:
    errors = FieldErrors()
    cleaned: dict[str, object] = {
        "name": errors.text("name", data.name, max_length=120),
        "description": errors.text("description", data.description, max_length=5000, required=False),
        "instructions": [step.strip() for step in data.instructions if step.strip()],
        "primary_muscles": errors.choices("primary_muscles", data.primary_muscles, Muscle),
        "secondary_muscles": errors.choices("secondary_muscles", data.secondary_muscles, Muscle),
        "equipment": errors.choices("equipment", data.equipment, Equipment),
        "contraindications": errors.choices("contraindications", data.contraindications, Contraindication),
        "tags": list(dict.fromkeys(slugify(tag) for tag in data.tags if slugify(tag)))[:20],
        "difficulty": data.difficulty,
        "mechanics": data.mechanics,
        "force": data.force,
        "image_url": errors.url("image_url", data.image_url),
        "video_url": errors.url("video_url", data.video_url),
    }
    if not cleaned["primary_muscles"]:
        errors.add("primary_muscles", _("Name at least one primary muscle."))
    if not cleaned["equipment"]:
        errors.add("equipment", _("Name the equipment, or “bodyweight”."))
    errors.choice("difficulty", data.difficulty, Difficulty)
    errors.choice("mechanics", data.mechanics, Mechanics)
    errors.choice("force", data.force, Force)
    category = ExerciseCategory.objects.filter(pk=data.category_id).first()
    if category is None:
        errors.add("category_id", _("Choose a category from the library."))
    errors.raise_if_any(code=ErrorCode.EXERCISE_INVALID)
    cleaned["category"] = category
    return cleaned


def _custom_slug(name: str) -> str:
    return f"{CUSTOM_SLUG_PREFIX}{slugify(name)[:70]}-{uuid.uuid4().hex[:8]}"


def _locked_exercise(exercise_id: int) -> Exercise:
    return locked_or_404(Exercise.objects.all(), _("Exercise not found."), pk=exercise_id)


def copy_value(value: object) -> object:
    return list(value) if isinstance(value, list) else value


@transaction.atomic
def exercise_create(*, actor: User, data: ExerciseData) -> Exercise:
    require(actor, "library.manage")
    cleaned = _clean(data)
    return Exercise.objects.create(slug=_custom_slug(str(cleaned["name"])), created_by=actor, **cleaned)


@transaction.atomic
def exercise_update(*, actor: User, exercise_id: int, data: ExerciseData) -> Exercise:
    """Replace an exercise's content; starter exercises stay as shipped (copy them to edit)."""
    require(actor, "library.manage")
    exercise = _locked_exercise(exercise_id)
    if exercise.is_starter:
        raise ConflictError(
            _("Starter exercises cannot be edited. Copy it to make your studio's own version."),
            code=ErrorCode.STARTER_READ_ONLY,
        )
    for name, value in _clean(data).items():
        setattr(exercise, name, value)
    exercise.save()
    return exercise


@transaction.atomic
def exercise_copy(*, exercise_id: int, actor: User, hide_original: bool = False) -> Exercise:
    """The studio's own editable copy; hiding the original makes the copy take its place in the library."""
    require(actor, "library.manage")
    original = _locked_exercise(exercise_id)
    content = {name: copy_value(getattr(original, name)) for name in ExerciseData.__dataclass_fields__}
    copy = Exercise.objects.create(slug=_custom_slug(original.name), copied_from=original, created_by=actor, **content)
    if hide_original and not original.is_hidden:
        original.is_hidden = True
        original.save(update_fields=["is_hidden", "updated_at"])
    return copy


@transaction.atomic
def exercise_set_hidden(*, actor: User, exercise_id: int, hidden: bool) -> Exercise:
    """Hide an exercise from the library's lists (programs that use it keep it)."""
    require(actor, "library.manage")
    exercise = _locked_exercise(exercise_id)
    if exercise.is_hidden != hidden:
        exercise.is_hidden = hidden
        exercise.save(update_fields=["is_hidden", "updated_at"])
    return exercise


@transaction.atomic
def category_create(*, actor: User, name: str, parent_id: int | None = None) -> ExerciseCategory:
    require(actor, "library.manage")
    errors = FieldErrors()
    name = errors.text("name", name, max_length=80)
    parent = None
    if parent_id is not None:
        parent = ExerciseCategory.objects.filter(pk=parent_id).first()
        if parent is None:
            errors.add("parent_id", _("Choose an existing category as the parent."))
    errors.raise_if_any(code=ErrorCode.CATEGORY_INVALID)
    siblings = ExerciseCategory.objects.filter(parent=parent)
    if siblings.filter(name__iexact=name).exists():
        raise ConflictError(_("A category called “%(name)s” already exists here.") % {"name": name})
    return ExerciseCategory.objects.create(
        slug=_custom_slug(name), name=name, parent=parent, position=siblings.count() + 1000
    )
