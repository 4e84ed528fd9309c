"""Program templates: create and update as whole documents, archive, copy, read back as a document."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import NotFoundError
from core.models import User
from core.permissions import require
from core.queries import locked_or_404
from domain.programs import progression
from domain.programs.models import (
    ProgramPhase,
    ProgramTemplate,
    ProgressionRule,
    TemplateExercise,
    TemplateWorkout,
)
from domain.programs.services.documents import (
    CleanTemplate,
    PhaseData,
    PrescriptionData,
    RuleData,
    TemplateData,
    WorkoutData,
    template_clean,
)


def _write_structure(template: ProgramTemplate, clean: CleanTemplate) -> None:
    """Insert phases, workouts, exercises and rules with one bulk insert per level."""
    phases = ProgramPhase.objects.bulk_create(
        ProgramPhase(template=template, position=i + 1, **fields) for i, (fields, _w) in enumerate(clean.phases)
    )
    workouts: list[TemplateWorkout] = []
    workout_items = []
    for phase, (_fields, phase_workouts) in zip(phases, clean.phases, strict=True):
        for i, (fields, workout_exercises) in enumerate(phase_workouts):
            workouts.append(TemplateWorkout(phase=phase, position=i + 1, **fields))
            workout_items.append(workout_exercises)
    TemplateWorkout.objects.bulk_create(workouts)
    exercises: list[TemplateExercise] = []
    exercise_rules: list[list[dict[str, object]]] = []
    for workout, items in zip(workouts, workout_items, strict=True):
        for i, (fields, rules) in enumerate(items):
            exercises.append(TemplateExercise(workout=workout, position=i + 1, **fields))
            exercise_rules.append(rules)
    TemplateExercise.objects.bulk_create(exercises)
    rules = [
        ProgressionRule(template=template, template_exercise=exercise, **rule)
        for exercise, rule_list in zip(exercises, exercise_rules, strict=True)
        for rule in rule_list
    ]
    if clean.rules is not None:
        rules += [ProgressionRule(template=template, **rule) for rule in clean.rules]
    ProgressionRule.objects.bulk_create(rules)
    template.duration_weeks = sum(int(fields["weeks"]) for fields, _w in clean.phases)
    template.save(update_fields=["duration_weeks", "updated_at"])


@transaction.atomic
def template_create(*, actor: User, data: TemplateData, copied_from: ProgramTemplate | None = None) -> ProgramTemplate:
    require(actor, "programs.manage_templates")
    if data.rules is None:
        data = replace(data, rules=[RuleData(**rule) for rule in progression.DEFAULT_RULES])  # type: ignore[arg-type]  # DEFAULT_RULES are plain dicts of RuleData fields
    clean = template_clean(data)
    template = ProgramTemplate.objects.create(created_by=actor, copied_from=copied_from, **clean.fields)
    _write_structure(template, clean)
    return template


def _locked_template(template_id: int) -> ProgramTemplate:
    return locked_or_404(ProgramTemplate.objects.all(), _("Program template not found."), pk=template_id)


@transaction.atomic
def template_update(*, actor: User, template_id: int, data: TemplateData) -> ProgramTemplate:
    """Replace the whole template. Programs already assigned keep their own copy and do not change."""
    require(actor, "programs.manage_templates")
    clean = template_clean(data)
    template = _locked_template(template_id)
    for name, value in clean.fields.items():
        setattr(template, name, value)
    template.save()
    template.phases.all().delete()  # cascades to workouts, exercises and their rules
    if clean.rules is not None:
        template.rules.all().delete()
    _write_structure(template, clean)
    return template


@transaction.atomic
def template_set_archived(*, actor: User, template_id: int, archived: bool) -> ProgramTemplate:
    require(actor, "programs.manage_templates")
    template = _locked_template(template_id)
    template.is_archived = archived
    template.save(update_fields=["is_archived", "updated_at"])
    return template


def _rule_data(rule: ProgressionRule) -> RuleData:
    return RuleData(**{name: getattr(rule, name) for name in ProgressionRule.RULE_FIELDS})


def template_document(template: ProgramTemplate) -> TemplateData:
    """The template as a document (what the builder edits, and what a copy starts from)."""
    phases = template.phases.prefetch_related("workouts__exercises__rules")
    return TemplateData(
        name=template.name,
        goal=template.goal,
        level=template.level,
        description=template.description,
        rules=[_rule_data(r) for r in template.rules.filter(template_exercise__isnull=True)],
        phases=[
            PhaseData(
                name=phase.name,
                weeks=phase.weeks,
                focus=phase.focus,
                workouts=[
                    WorkoutData(
                        day=workout.day,
                        name=workout.name,
                        exercises=[
                            PrescriptionData(
                                **item.prescription(),  # type: ignore[arg-type]  # prescription() returns the shared prescription fields as a dict
                                rules=[_rule_data(r) for r in item.rules.all()],
                            )
                            for item in workout.exercises.all()
                        ],
                    )
                    for workout in phase.workouts.all()
                ],
            )
            for phase in phases
        ],
    )


@transaction.atomic
def template_copy(*, template_id: int, actor: User, name: str | None = None) -> ProgramTemplate:
    require(actor, "programs.manage_templates")
    original = ProgramTemplate.objects.filter(pk=template_id).first()
    if original is None:
        raise NotFoundError(_("Program template not found."))
    document = replace(template_document(original), name=name or _("Copy of %(name)s") % {"name": original.name})
    return template_create(actor=actor, data=document, copied_from=original)
