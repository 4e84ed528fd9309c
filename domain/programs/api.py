"""/api/v1 templates, programs and scheduled workouts: parse, authorise, call one service, shape the answer."""

from __future__ import annotations

from ninja import Query, Router, Status

from core.api.pagination import CursorPage, PageParams, paginate_cursor
from core.http import AuthedRequest
from core.models import User
from core.permissions import require
from domain.clients.selectors import client_in_scope
from domain.programs import selectors, services
from domain.programs.models import ClientProgram, Prescription, ProgramTemplate, ProgressionRule, WorkoutSession
from domain.programs.schemas import (
    AssignIn,
    AssignOut,
    PrescriptionIn,
    ProgramCopyIn,
    ProgramDetailOut,
    ProgramOut,
    ProgramRuleIn,
    ProgressIn,
    RuleIn,
    RuleOut,
    SessionOut,
    TemplateIn,
    TemplateOut,
    TemplateSummaryOut,
    WarningOut,
)

router = Router(tags=["programs"])


class TemplateFilters(PageParams):
    q: str | None = None
    goal: str | None = None
    level: str | None = None
    include_archived: bool = False


class WorkoutFilters(PageParams):
    phase: int | None = None
    week: int | None = None
    status: str | None = None


def _actor(request: AuthedRequest) -> User:
    return request.user


# --- shaping ------------------------------------------------------------------------------------


def rule_out(rule: ProgressionRule) -> dict[str, object]:
    return {
        "id": rule.pk,
        **{name: getattr(rule, name) for name in ProgressionRule.RULE_FIELDS},
        "description": rule.describe(),
        "program_exercise_id": rule.program_exercise_id,
    }


def prescription_out(item: Prescription, **extra: object) -> dict[str, object]:
    return {
        "id": item.pk,
        "position": item.position,
        "exercise": {"id": item.exercise_id, "name": item.exercise.name},
        **{name: getattr(item, name) for name in Prescription.PRESCRIPTION_FIELDS if name != "exercise_id"},
        "reps_display": item.reps_display,
        "load_display": item.load_display,
        **extra,
    }


def template_out(template: ProgramTemplate) -> dict[str, object]:
    return {
        **{f: getattr(template, f) for f in TemplateSummaryOut.model_fields},
        "rules": [rule_out(r) for r in template.own_rules],  # type: ignore[attr-defined]  # a prefetched list (Prefetch to_attr)
        "phases": [
            {
                "id": phase.pk,
                "position": phase.position,
                "name": phase.name,
                "weeks": phase.weeks,
                "focus": phase.focus,
                "workouts": [
                    {
                        "id": workout.pk,
                        "position": workout.position,
                        "day": workout.day,
                        "name": workout.name,
                        "exercises": [
                            prescription_out(item, rules=[rule_out(r) for r in item.rules.all()])
                            for item in workout.exercises.all()
                        ],
                    }
                    for workout in phase.workouts.all()
                ],
            }
            for phase in template.phases.all()
        ],
    }


def warnings_out(warnings: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**w, "message": selectors.warning_message(w)} for w in warnings]


def program_out(program: ClientProgram) -> dict[str, object]:
    return {
        **{f: getattr(program, f) for f in ProgramOut.model_fields if f != "warnings"},
        "warnings": warnings_out(program.warnings),
    }


def program_detail_out(program: ClientProgram) -> dict[str, object]:
    return {
        **program_out(program),
        "phases": list(program.phases.all()),
        "exercises": [
            prescription_out(
                slot,
                phase_position=slot.phase_position,
                workout_position=slot.workout_position,
                miss_streak=slot.miss_streak,
            )
            for slot in program.exercises.all()
        ],
        "rules": [rule_out(r) for r in program.rules.all()],
        "events": [
            {
                "id": e.pk,
                "kind": e.kind,
                "exercise_name": e.program_exercise.exercise.name,
                "old_load": e.old_load,
                "new_load": e.new_load,
                "session_id": e.session_id,
                "created_at": e.created_at,
            }
            for e in program.progression_events.all()[:50]
        ],
    }


def session_out(session: WorkoutSession) -> dict[str, object]:
    return {
        "id": session.pk,
        "program_id": session.client_program_id,
        "phase": session.phase_position,
        "week": session.week,
        "program_week": session.program_week,
        "day": session.day,
        "name": session.name,
        "scheduled_on": session.scheduled_on,
        "status": session.status,
        "completed_at": session.completed_at,
        "exercises": [prescription_out(item) for item in session.exercises.all()],
    }


# --- input --------------------------------------------------------------------------------------


def _rules(rules: list[RuleIn] | None) -> list[services.RuleData] | None:
    return None if rules is None else [services.RuleData(**r.dict()) for r in rules]


def _prescription(item: PrescriptionIn) -> services.PrescriptionData:
    fields = item.dict(exclude={"rules"})
    return services.PrescriptionData(**fields, rules=_rules(item.rules) or [])


def template_data(payload: TemplateIn) -> services.TemplateData:
    return services.TemplateData(
        name=payload.name,
        goal=payload.goal,
        level=payload.level,
        description=payload.description,
        rules=_rules(payload.rules),
        phases=[
            services.PhaseData(
                name=phase.name,
                weeks=phase.weeks,
                focus=phase.focus,
                workouts=[
                    services.WorkoutData(
                        day=w.day, name=w.name, exercises=[_prescription(item) for item in w.exercises]
                    )
                    for w in phase.workouts
                ],
            )
            for phase in payload.phases
        ],
    )


# --- templates ----------------------------------------------------------------------------------


@router.get("/templates", response=CursorPage[TemplateSummaryOut], summary="Program templates")
def template_list(request: AuthedRequest, filters: Query[TemplateFilters]) -> dict:
    require(_actor(request), "programs.view_templates")
    templates = selectors.template_list(
        search=filters.q, goal=filters.goal, level=filters.level, include_archived=filters.include_archived
    )
    return paginate_cursor(
        templates, cursor=filters.cursor, limit=filters.limit, order=("name", "id"), shape=TemplateSummaryOut
    )


@router.post("/templates", response={201: TemplateOut}, summary="Create a template (the whole document)")
def template_create(request: AuthedRequest, payload: TemplateIn) -> Status:
    require(_actor(request), "programs.manage_templates")
    template = services.template_create(actor=_actor(request), data=template_data(payload))
    return Status(201, template_out(selectors.template_get(template_id=template.pk)))


@router.get("/templates/{int:template_id}", response=TemplateOut, summary="A template with phases, workouts, rules")
def template_detail(request: AuthedRequest, template_id: int) -> dict:
    require(_actor(request), "programs.view_templates")
    return template_out(selectors.template_get(template_id=template_id))


@router.put(
    "/templates/{int:template_id}", response=TemplateOut, summary="Replace a template (assigned programs keep theirs)"
)
def template_update(request: AuthedRequest, template_id: int, payload: TemplateIn) -> dict:
    services.template_update(actor=_actor(request), template_id=template_id, data=template_data(payload))
    return template_out(selectors.template_get(template_id=template_id))


@router.delete("/templates/{int:template_id}", response={204: None}, summary="Archive a template")
def template_archive(request: AuthedRequest, template_id: int) -> Status:
    services.template_set_archived(actor=_actor(request), template_id=template_id, archived=True)
    return Status(204, None)


@router.post("/templates/{int:template_id}/copy", response={201: TemplateOut}, summary="Copy a template")
def template_copy(request: AuthedRequest, template_id: int, payload: ProgramCopyIn) -> Status:
    require(_actor(request), "programs.manage_templates")
    copy = services.template_copy(template_id=template_id, actor=_actor(request), name=payload.name)
    return Status(201, template_out(selectors.template_get(template_id=copy.pk)))


@router.get(
    "/templates/{int:template_id}/warnings",
    response=list[WarningOut],
    summary="Contraindications assigning this template to a client would raise",
)
def template_warnings(request: AuthedRequest, template_id: int, client_id: int) -> list[dict[str, object]]:
    client = client_in_scope(actor=_actor(request), client_id=client_id, action="programs.assign")
    selectors.template_get(template_id=template_id)  # 404 for an unknown template
    found = selectors.template_contraindications(template_id=template_id, client_id=client.pk)
    return warnings_out([w.as_dict() for w in found])


@router.post("/templates/{int:template_id}/assign", response={201: AssignOut}, summary="Assign to a client")
def template_assign(request: AuthedRequest, template_id: int, payload: AssignIn) -> Status:
    result = services.template_assign(
        template_id=template_id,
        client_id=payload.client_id,
        actor=_actor(request),
        assignment_type=payload.assignment_type,
        start_date=payload.start_date,
    )
    return Status(201, {"program": program_out(result.program), "warnings": warnings_out(result.warnings)})


# --- client programs ----------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/programs", response=CursorPage[ProgramOut], summary="A client's programs")
def client_programs(request: AuthedRequest, client_id: int, page: Query[PageParams], status: str | None = None) -> dict:
    client = client_in_scope(actor=_actor(request), client_id=client_id, action="programs.view")
    programs = selectors.program_list_for_client(client=client, status=status)
    result = paginate_cursor(programs, cursor=page.cursor, limit=page.limit, order=("-start_date", "-id"))
    return {"items": [program_out(p) for p in result["items"]], "next_cursor": result["next_cursor"]}


def _program(request: AuthedRequest, program_id: int, action: str) -> ClientProgram:
    actor = _actor(request)
    require(actor, action)
    program = selectors.program_get(actor=actor, program_id=program_id)
    require(actor, action, program)
    return program


@router.get(
    "/programs/{int:program_id}", response=ProgramDetailOut, summary="A program: position, prescriptions, rules"
)
def program_detail(request: AuthedRequest, program_id: int) -> dict:
    program = _program(request, program_id, "programs.view")
    return program_detail_out(selectors.program_detail(program=program))


@router.put("/programs/{int:program_id}", response=ProgramDetailOut, summary="Move phase/week or change status")
def program_update(request: AuthedRequest, program_id: int, payload: ProgressIn) -> dict:
    program = _program(request, program_id, "programs.update")
    services.client_program_update(actor=_actor(request), client_program_id=program.pk, **payload.dict())
    return program_detail_out(selectors.program_detail(program=program))


@router.get("/programs/{int:program_id}/workouts", response=CursorPage[SessionOut], summary="Scheduled workouts")
def program_workouts(request: AuthedRequest, program_id: int, filters: Query[WorkoutFilters]) -> dict:
    program = _program(request, program_id, "programs.view")
    sessions = selectors.program_workouts(
        program=program, phase=filters.phase, week=filters.week, status=filters.status
    )
    result = paginate_cursor(sessions, cursor=filters.cursor, limit=filters.limit, order=("scheduled_on", "id"))
    return {"items": [session_out(s) for s in result["items"]], "next_cursor": result["next_cursor"]}


@router.post("/programs/{int:program_id}/rules", response=RuleOut, summary="Set a rule (or an exercise's override)")
def program_rule_set(request: AuthedRequest, program_id: int, payload: ProgramRuleIn) -> dict:
    program = _program(request, program_id, "programs.update")
    fields = payload.dict()
    rule = services.program_rule_set(
        actor=_actor(request),
        client_program_id=program.pk,
        program_exercise_id=fields.pop("program_exercise_id"),
        data=services.RuleData(**fields),
    )
    return rule_out(rule)


@router.delete("/programs/{int:program_id}/rules/{int:rule_id}", response={204: None}, summary="Remove a rule")
def program_rule_delete(request: AuthedRequest, program_id: int, rule_id: int) -> Status:
    program = _program(request, program_id, "programs.update")
    services.program_rule_delete(actor=_actor(request), client_program_id=program.pk, rule_id=rule_id)
    return Status(204, None)
