"""Program templates (phases, weekly workouts, prescriptions) and the programs assigned to clients.

A template is the trainer's reusable plan. Assigning it copies it into the client's own program
(phases, one live prescription per exercise slot, and every scheduled WORKOUT_SESSION with its
SESSION_EXERCISEs), so later edits of the template never change a client's running program.
Progression rules are rows: on a template they are the defaults copied at assignment; on a client
program they are what actually runs, overridable per exercise.

One module per sub-area (templates, client_programs, rules); this package re-exports every public name.
"""

from domain.programs.models.client_programs import (
    DONE_STATUSES,
    AssignmentType,
    ClientProgram,
    ClientProgramExercise,
    ClientProgramPhase,
    ProgramStatus,
    SessionExercise,
    SessionStatus,
    WorkoutSession,
)
from domain.programs.models.rules import ProgressionEvent, ProgressionRule, RuleKind
from domain.programs.models.templates import (
    MAX_DURATION_SECONDS,
    MAX_LOAD,
    MAX_PHASE_WEEKS,
    MAX_REPS,
    MAX_REST_SECONDS,
    MAX_SETS,
    MIN_LOAD,
    SUPERSET_PATTERN,
    TEMPO_PATTERN,
    LoadType,
    PhaseFields,
    Prescription,
    ProgramGoal,
    ProgramPhase,
    ProgramTemplate,
    TemplateExercise,
    TemplateWorkout,
    prescription_constraints,
)

__all__ = [
    "DONE_STATUSES",
    "MAX_DURATION_SECONDS",
    "MAX_LOAD",
    "MAX_PHASE_WEEKS",
    "MAX_REPS",
    "MAX_REST_SECONDS",
    "MAX_SETS",
    "MIN_LOAD",
    "SUPERSET_PATTERN",
    "TEMPO_PATTERN",
    "AssignmentType",
    "ClientProgram",
    "ClientProgramExercise",
    "ClientProgramPhase",
    "LoadType",
    "PhaseFields",
    "Prescription",
    "ProgramGoal",
    "ProgramPhase",
    "ProgramStatus",
    "ProgramTemplate",
    "ProgressionEvent",
    "ProgressionRule",
    "RuleKind",
    "SessionExercise",
    "SessionStatus",
    "TemplateExercise",
    "TemplateWorkout",
    "WorkoutSession",
    "prescription_constraints",
]
