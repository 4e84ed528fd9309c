"""Reads of templates and client programs; a client program is visible to whoever may see its client."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFoundError
from core.models import User
from core.studio_time import studio_today
from domain.clients.selectors import client_health_entries, clients_visible_to
from domain.library.models import Exercise
from domain.library.vocabulary import Contraindication, contraindications_mentioned
from domain.programs.models import (
    ClientProgram,
    ClientProgramExercise,
    ProgramPhase,
    ProgramStatus,
    ProgramTemplate,
    ProgressionEvent,
    ProgressionRule,
    SessionExercise,
    TemplateExercise,
    WorkoutSession,
)

# --- templates --------------------------------------------------------------------------------


def template_list(
    *, search: str | None = None, goal: str | None = None, level: str | None = None, include_archived: bool = False
) -> QuerySet[ProgramTemplate]:
    templates = ProgramTemplate.objects.all()
    if not include_archived:
        templates = templates.filter(is_archived=False)
    if search and search.strip():
        templates = templates.filter(Q(name__icontains=search.strip()) | Q(description__icontains=search.strip()))
    if goal:
        templates = templates.filter(goal=goal)
    if level:
        templates = templates.filter(level=level)
    return templates


def template_get(*, template_id: int) -> ProgramTemplate:
    """A template with its whole tree loaded (phases, workouts, exercises, rules): five queries."""
    exercises = TemplateExercise.objects.select_related("exercise").prefetch_related("rules")
    phases = ProgramPhase.objects.prefetch_related("workouts", Prefetch("workouts__exercises", queryset=exercises))
    template = (
        ProgramTemplate.objects.prefetch_related(
            Prefetch("phases", queryset=phases),
            Prefetch(
                "rules", queryset=ProgressionRule.objects.filter(template_exercise__isnull=True), to_attr="own_rules"
            ),
        )
        .filter(pk=template_id)
        .first()
    )
    if template is None:
        raise NotFoundError(_("Program template not found."))
    return template


# --- contraindications ------------------------------------------------------------------------


@dataclass(frozen=True)
class ContraindicationWarning:
    exercise_id: int
    exercise_name: str
    contraindication: str
    health_entry: str
    source: str  # condition | injury

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def warning_message(warning: dict[str, object]) -> str:
    """The warning in words, translated when shown (the stored warning keeps only the facts)."""
    label = (
        Contraindication(warning["contraindication"]).label
        if warning["contraindication"] in Contraindication.values
        else warning["contraindication"]
    )
    source = _("an injury") if warning["source"] == "injury" else _("a condition")
    return _(
        "%(exercise)s is not advised with %(contraindication)s: the health history lists “%(entry)s” as %(source)s."
    ) % {
        "exercise": warning["exercise_name"],
        "contraindication": label,
        "entry": warning["health_entry"],
        "source": source,
    }


def contraindication_warnings(*, client_id: int, exercise_ids: Iterable[int]) -> list[ContraindicationWarning]:
    """Exercises whose contraindications match the client's conditions or active injuries, with why."""
    mentioned: dict[str, list] = defaultdict(list)  # contraindication -> health entries that mention it
    for entry in client_health_entries(client_id=client_id):
        for term in contraindications_mentioned(entry.text):
            mentioned[term].append(entry)
    if not mentioned:
        return []
    exercises = Exercise.objects.filter(pk__in=list(exercise_ids), contraindications__overlap=list(mentioned))
    warnings = []
    for exercise in exercises.order_by("name", "id"):
        for term in exercise.contraindications:
            for entry in mentioned.get(term, []):
                warnings.append(
                    ContraindicationWarning(
                        exercise_id=exercise.pk,
                        exercise_name=exercise.name,
                        contraindication=term,
                        health_entry=entry.text,
                        source=entry.source,
                    )
                )
    return warnings


def template_contraindications(*, template_id: int, client_id: int) -> list[ContraindicationWarning]:
    """What assigning this template to this client would warn about (the assign dialog's preview)."""
    ids = TemplateExercise.objects.filter(workout__phase__template_id=template_id).values_list("exercise_id", flat=True)
    return contraindication_warnings(client_id=client_id, exercise_ids=set(ids))


# --- client programs --------------------------------------------------------------------------


def programs_visible_to(actor: User) -> QuerySet[ClientProgram]:
    return ClientProgram.objects.filter(client__in=clients_visible_to(actor))


def program_list_for_client(*, client: User, status: str | None = None) -> QuerySet[ClientProgram]:
    programs = ClientProgram.objects.filter(client=client).select_related("client")
    return programs.filter(status=status) if status else programs


def program_get(*, actor: User, program_id: int) -> ClientProgram:
    program = programs_visible_to(actor).select_related("client").filter(pk=program_id).first()
    if program is None:
        raise NotFoundError(_("Program not found."))
    return program


def program_detail(*, program: ClientProgram) -> ClientProgram:
    """Phases, exercise slots, rules and recent rule events loaded for the program page (fixed query count)."""
    slots = ClientProgramExercise.objects.select_related("exercise")
    events = ProgressionEvent.objects.select_related("program_exercise__exercise")
    return (
        ClientProgram.objects.select_related("client", "template")
        .prefetch_related(
            "phases",
            Prefetch("exercises", queryset=slots),
            "rules",
            Prefetch("progression_events", queryset=events),
        )
        .get(pk=program.pk)
    )


def effective_rules(*, program: ClientProgram) -> dict[int, dict[str, ProgressionRule]]:
    """For each exercise slot: kind -> the rule in charge (the slot's override, else the program's)."""
    rules = list(ProgressionRule.objects.filter(client_program=program))
    program_wide = {r.kind: r for r in rules if r.program_exercise_id is None}
    overrides: dict[int, dict[str, ProgressionRule]] = defaultdict(dict)
    for rule in rules:
        if rule.program_exercise_id is not None:
            overrides[rule.program_exercise_id][rule.kind] = rule
    slot_ids = program.exercises.values_list("pk", flat=True)
    return {slot_id: {**program_wide, **overrides.get(slot_id, {})} for slot_id in slot_ids}


def _sessions_with_exercises(sessions: QuerySet[WorkoutSession]) -> QuerySet[WorkoutSession]:
    items = SessionExercise.objects.select_related("exercise")
    return sessions.prefetch_related(Prefetch("exercises", queryset=items))


def program_workouts(
    *, program: ClientProgram, phase: int | None = None, week: int | None = None, status: str | None = None
) -> QuerySet[WorkoutSession]:
    sessions = program.sessions.all()
    if phase is not None:
        sessions = sessions.filter(phase_position=phase)
    if week is not None:
        sessions = sessions.filter(week=week)
    if status:
        sessions = sessions.filter(status=status)
    return _sessions_with_exercises(sessions)


def program_current_week(*, program: ClientProgram) -> QuerySet[WorkoutSession]:
    return program_workouts(program=program, phase=program.current_phase, week=program.current_week)


def workout_get(*, actor: User, session_id: int) -> WorkoutSession:
    """One scheduled workout with its exercises, if its program is visible to `actor`."""
    session = (
        _sessions_with_exercises(WorkoutSession.objects.filter(client_program__in=programs_visible_to(actor)))
        .select_related("client_program")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFoundError(_("Workout not found."))
    return session


def workouts_today(*, client: User) -> QuerySet[WorkoutSession]:
    """The client's workouts scheduled for today in the studio's time zone, across active programs."""
    sessions = WorkoutSession.objects.filter(
        client_program__client=client, client_program__status=ProgramStatus.ACTIVE, scheduled_on=studio_today()
    ).select_related("client_program")
    return _sessions_with_exercises(sessions)
