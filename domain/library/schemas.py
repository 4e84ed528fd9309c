"""API shapes of the exercise library."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from core.api.shapes import Out


class CategoryRef(Out):
    id: int
    slug: str
    name: str


class ExerciseOut(Out):
    id: int
    slug: str
    name: str
    category: CategoryRef
    description: str
    instructions: list[str]
    primary_muscles: list[str]
    secondary_muscles: list[str]
    equipment: list[str]
    difficulty: str
    mechanics: str
    force: str
    tags: list[str]
    contraindications: list[str]
    image_url: str
    video_url: str
    is_starter: bool
    is_hidden: bool
    copied_from_id: int | None


class ExerciseIn(Schema):
    name: str = Field(max_length=120)
    category_id: int
    primary_muscles: list[str] = Field(max_length=10)
    equipment: list[str] = Field(max_length=10)
    difficulty: str = Field(max_length=20)
    mechanics: str = Field(max_length=20)
    force: str = Field(default="other", max_length=20)
    description: str = Field(default="", max_length=5000)
    instructions: list[str] = Field(default_factory=list, max_length=30)
    secondary_muscles: list[str] = Field(default_factory=list, max_length=15)
    tags: list[str] = Field(default_factory=list, max_length=20)
    contraindications: list[str] = Field(default_factory=list, max_length=15)
    image_url: str = Field(default="", max_length=500)
    video_url: str = Field(default="", max_length=500)


class ExerciseCopyIn(Schema):
    hide_original: bool = Field(True, description="Let the copy take the original's place in the library.")


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    parent_id: int | None
    depth: int
    is_starter: bool


class CategoryIn(Schema):
    name: str = Field(max_length=80)
    parent_id: int | None = None


class Term(Schema):
    value: str
    label: str


class VocabularyOut(Schema):
    muscles: list[Term]
    equipment: list[Term]
    contraindications: list[Term]
    difficulty: list[Term]
    mechanics: list[Term]
    force: list[Term]
