"""Program templates: whole documents with phases, weekly workouts, prescriptions and rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.exceptions import ValidationError
from domain.programs.models import ProgramPhase, ProgramTemplate, ProgressionRule, TemplateExercise
from domain.programs.selectors import template_get
from domain.programs.services import RuleData, template_copy, template_create, template_document, template_update
from tests.factories.programs import plank, squat, template_data
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def test_a_template_is_written_whole_with_default_rules_the_trainer_can_see(trainer):
    template = template_create(actor=trainer, data=template_data(phases=((3, 2), (2, 3)), exercises=(squat(), plank())))
    assert template.duration_weeks == 5
    phases = list(template.phases.all())
    assert [(p.position, p.weeks, p.workouts.count()) for p in phases] == [(1, 3, 2), (2, 2, 3)]
    item = TemplateExercise.objects.filter(workout__phase=phases[0]).first()
    assert (item.sets, item.reps_min, item.reps_max, item.load_type, item.load_value) == (3, 5, 8, "kg", Decimal(100))
    rules = {rule.kind: rule for rule in template.rules.all()}
    assert set(rules) == {"load_increase", "deload"}
    assert "2.5 kg" in rules["load_increase"].describe()
    assert "2 sessions" in rules["deload"].describe()


def test_every_problem_is_reported_by_its_path_and_nothing_is_written(trainer):
    before = (ProgramTemplate.objects.count(), ProgramPhase.objects.count())
    data = template_data(
        exercises=(
            squat(reps_min=8, reps_max=5, tempo="slow", load_value=None),
            plank(reps_min=10, superset_group="AB"),
            squat(exercise_id=10**9, load_type="percent_1rm", load_value=Decimal(150)),
        ),
        rules=[RuleData(kind="load_increase", increment_kg=Decimal(0), increment_percent=Decimal(1))],
    )
    data = replace(data, name="", phases=[replace(data.phases[0], weeks=0), *data.phases[1:]])
    with pytest.raises(ValidationError) as excinfo:
        template_create(actor=trainer, data=data)
    fields = excinfo.value.extra["fields"]
    ex = "phases.0.workouts.0.exercises"
    assert {
        "name",
        "phases.0.weeks",
        f"{ex}.0.reps_max",
        f"{ex}.0.tempo",
        f"{ex}.0.load_value",
        f"{ex}.1.reps_min",
        f"{ex}.1.superset_group",
        f"{ex}.2.exercise_id",
        f"{ex}.2.load_value",
        "rules.0.increment_kg",
    } <= set(fields)
    assert (ProgramTemplate.objects.count(), ProgramPhase.objects.count()) == before


def test_updating_replaces_the_structure_and_a_single_rep_count_is_a_range_of_one(trainer):
    template = template_create(actor=trainer, data=template_data(phases=((2, 2),)))
    update = template_data(phases=((4, 1),), exercises=(squat(reps_min=5, reps_max=None),), name="Renamed")
    template_update(actor=trainer, template_id=template.pk, data=replace(update, rules=[]))
    template.refresh_from_db()
    assert (template.name, template.duration_weeks, template.phases.count()) == ("Renamed", 4, 1)
    item = TemplateExercise.objects.get(workout__phase__template=template)
    assert (item.reps_min, item.reps_max) == (5, 5)
    assert not ProgressionRule.objects.filter(template=template).exists()


def test_a_copy_is_deep_and_independent(trainer):
    override = RuleData(kind="load_increase", increment_kg=Decimal(5), increment_percent=Decimal(5))
    original = template_create(actor=trainer, data=template_data(exercises=(squat(rules=[override]),)))
    copy = template_copy(template_id=original.pk, actor=trainer)
    assert copy.name == f"Copy of {original.name}"
    assert copy.copied_from == original
    assert template_document(copy).phases == template_document(original).phases
    assert ProgressionRule.objects.filter(template=copy, template_exercise__isnull=False, increment_kg=5).count() == 3
    template_update(actor=trainer, template_id=copy.pk, data=template_data(phases=((1, 1),)))
    assert original.phases.count() == 2


def test_loading_a_template_costs_the_same_whatever_its_size(trainer):
    small = template_create(actor=trainer, data=template_data(phases=((1, 1),)))
    big = template_create(
        actor=trainer, data=template_data(phases=((4, 3), (4, 3), (2, 2)), exercises=(squat(), plank(), squat()))
    )
    with count_queries() as for_small:
        _walk(template_get(template_id=small.pk))
    with count_queries() as for_big:
        _walk(template_get(template_id=big.pk))
    assert len(for_small) == len(for_big) == 6  # exact


def _walk(template: ProgramTemplate) -> None:
    for phase in template.phases.all():
        for workout in phase.workouts.all():
            for item in workout.exercises.all():
                str(item.exercise)
                list(item.rules.all())
