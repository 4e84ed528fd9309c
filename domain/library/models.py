"""The exercise library: a category tree and exercises (the shipped starter set plus the studio's own)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from core.constraints import choice_values, one_of
from core.models import TimeStampedModel
from domain.library.vocabulary import Contraindication, Difficulty, Equipment, Force, Mechanics, Muscle


class ExerciseCategory(TimeStampedModel):
    """A node of the category tree (Strength > Lower body); parents are other categories."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_starter = models.BooleanField(_("shipped with the starter library"), default=False)

    class Meta:
        verbose_name = _("exercise category")
        verbose_name_plural = _("exercise categories")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="library_category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Exercise(TimeStampedModel):
    """One movement with how to do it and what it works; starter exercises are read-only (copy to edit)."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.ForeignKey(
        ExerciseCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="exercises"
    )
    description = models.TextField(_("description"), blank=True)
    instructions = ArrayField(models.TextField(), verbose_name=_("step-by-step instructions"), default=list, blank=True)
    primary_muscles = ArrayField(
        models.CharField(max_length=30, choices=Muscle.choices), verbose_name=_("primary muscles"), default=list
    )
    secondary_muscles = ArrayField(
        models.CharField(max_length=30, choices=Muscle.choices),
        verbose_name=_("secondary muscles"),
        default=list,
        blank=True,
    )
    equipment = ArrayField(
        models.CharField(max_length=30, choices=Equipment.choices), verbose_name=_("equipment"), default=list
    )
    difficulty = models.CharField(_("difficulty"), max_length=20, choices=Difficulty.choices)
    mechanics = models.CharField(_("mechanics"), max_length=20, choices=Mechanics.choices)
    force = models.CharField(_("force"), max_length=20, choices=Force.choices, default=Force.OTHER)
    tags = ArrayField(models.CharField(max_length=40), verbose_name=_("tags"), default=list, blank=True)
    contraindications = ArrayField(
        models.CharField(max_length=40, choices=Contraindication.choices),
        verbose_name=_("contraindications"),
        default=list,
        blank=True,
    )
    image_url = models.URLField(_("image link"), max_length=500, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    is_starter = models.BooleanField(_("shipped with the starter library"), default=False)
    is_hidden = models.BooleanField(_("hidden from this studio's library"), default=False)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(primary_muscles__len__gte=1), name="library_exercise_has_muscle"),
            models.CheckConstraint(condition=models.Q(equipment__len__gte=1), name="library_exercise_has_equipment"),
            models.CheckConstraint(
                condition=models.Q(primary_muscles__contained_by=choice_values(Muscle))
                & models.Q(secondary_muscles__contained_by=choice_values(Muscle)),
                name="library_exercise_muscles_known",
            ),
            models.CheckConstraint(
                condition=models.Q(equipment__contained_by=choice_values(Equipment)),
                name="library_exercise_equipment_known",
            ),
            models.CheckConstraint(
                condition=models.Q(contraindications__contained_by=choice_values(Contraindication)),
                name="library_exercise_contraindications_known",
            ),
            one_of("difficulty", Difficulty, name="library_exercise_difficulty_valid"),
            one_of("mechanics", Mechanics, name="library_exercise_mechanics_valid"),
            one_of("force", Force, name="library_exercise_force_valid"),
            models.CheckConstraint(condition=~models.Q(name=""), name="library_exercise_name_not_blank"),
        ]
        indexes = [
            models.Index(Upper("name"), name="library_exercise_name_upper"),
            models.Index(fields=["is_hidden", "name", "id"], name="library_exercise_visible_idx"),
            GinIndex(fields=["primary_muscles"], name="library_exercise_primary_gin"),
            GinIndex(fields=["secondary_muscles"], name="library_exercise_secondary_gin"),
            GinIndex(fields=["equipment"], name="library_exercise_equipment_gin"),
            GinIndex(fields=["tags"], name="library_exercise_tags_gin"),
        ]

    def __str__(self) -> str:
        return self.name
