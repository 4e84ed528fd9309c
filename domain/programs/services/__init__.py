"""Writes of programs: templates (whole documents), assignment, progress, rules, and applying results.

`client_program_apply_results` is the entry point the workout log calls once a workout is logged:
it marks the session done and, for DYNAMIC_PROGRESSIVE programs, runs the progression rules on the
logged sets and advances the program when the week is complete. STATIC programs never move by themselves.

One module per sub-area (documents, templates, assignment, client_programs); callers import from this
package, which re-exports the public names.
"""

from domain.programs.services.assignment import Assignment, template_assign
from domain.programs.services.client_programs import (
    ExerciseResult,
    ResultsApplied,
    client_program_apply_results,
    client_program_update,
    program_advance,
    program_rule_delete,
    program_rule_set,
    program_week_complete,
)
from domain.programs.services.documents import (
    MAX_EXERCISES_PER_WORKOUT,
    MAX_PHASES,
    MAX_WORKOUTS_PER_WEEK,
    PhaseData,
    PrescriptionData,
    RuleData,
    TemplateData,
    WorkoutData,
)
from domain.programs.services.templates import (
    template_copy,
    template_create,
    template_document,
    template_set_archived,
    template_update,
)

__all__ = [
    "MAX_EXERCISES_PER_WORKOUT",
    "MAX_PHASES",
    "MAX_WORKOUTS_PER_WEEK",
    "Assignment",
    "ExerciseResult",
    "PhaseData",
    "PrescriptionData",
    "ResultsApplied",
    "RuleData",
    "TemplateData",
    "WorkoutData",
    "client_program_apply_results",
    "client_program_update",
    "program_advance",
    "program_rule_delete",
    "program_rule_set",
    "program_week_complete",
    "template_assign",
    "template_copy",
    "template_create",
    "template_document",
    "template_set_archived",
    "template_update",
]
