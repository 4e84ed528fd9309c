"""/api/v1 workout logging: parse, authorise, call one service or selector, shape the answer.

Who may do what on which client is decided inside the services and selectors (`client_in_scope`,
`session_get`, `completion_get`): a role that may not is a 403, an id outside the asker's scope, or from
another studio, a 404 like an id that does not exist.
"""

from __future__ import annotations

from ninja import Query, Router, Status

from core.api.pagination import CursorPage, paginate_cursor
from core.http import AuthedRequest
from core.models import User
from domain.clients.selectors import client_in_scope
from domain.progress.selectors import display_unit_system
from domain.workouts import schemas, selectors, services
from domain.workouts.schemas import (
    AdhocWorkoutIn,
    CompletionOut,
    ExerciseRecordsOut,
    HistoryQuery,
    SummaryQuery,
    TrainingSummaryOut,
    WorkoutLoggedOut,
    WorkoutLogIn,
    WorkoutOut,
)

router = Router(tags=["workouts"])


def _logged(result: services.LoggedWorkout, viewer: User) -> Status:
    """201 with what the log did (records, program) the first time; 200 with the same completion on a replay."""
    completion = selectors.completion_loaded(completion=result.completion)
    body = schemas.completion_out(completion, display_unit_system(viewer=viewer, client_id=completion.client_id))
    program = None
    if result.program is not None:
        applied = result.program
        program = {
            "client_program_id": applied.program.pk,
            "status": applied.program.status,
            "current_phase": applied.program.current_phase,
            "current_week": applied.program.current_week,
            "weeks_advanced": applied.weeks_advanced,
            "load_changes": [
                {
                    "exercise_name": event.program_exercise.exercise.name,
                    "kind": event.kind,
                    "old_load": event.old_load,
                    "new_load": event.new_load,
                }
                for event in applied.events
            ],
        }
    return Status(201 if result.created else 200, {**body, "replayed": not result.created, "program": program})


@router.get("/workouts/{workout_id}", response=WorkoutOut, summary="A scheduled workout, and its log once done")
def workout_detail(request: AuthedRequest, workout_id: int) -> object:
    session = selectors.session_get(actor=request.user, session_id=workout_id)
    client_id = session.client_program.client_id
    return schemas.workout_out(
        session,
        selectors.completion_of_session(session_id=session.pk),
        display_unit_system(viewer=request.user, client_id=client_id),
    )


@router.post(
    "/workouts/{workout_id}/complete",
    response={200: WorkoutLoggedOut, 201: WorkoutLoggedOut},
    summary="Log a scheduled workout (the whole log at once; the same idempotency key again returns 200)",
)
def workout_complete(request: AuthedRequest, workout_id: int, payload: WorkoutLogIn) -> object:
    return _logged(
        services.workout_complete(actor=request.user, session_id=workout_id, data=payload.to_data()), request.user
    )


@router.post(
    "/clients/{client_id}/workouts",
    response={200: WorkoutLoggedOut, 201: WorkoutLoggedOut},
    summary="Log an ad-hoc workout outside the program",
)
def workout_log_adhoc(request: AuthedRequest, client_id: int, payload: AdhocWorkoutIn) -> object:
    data = payload.to_data(name=payload.name)
    return _logged(services.workout_log_adhoc(actor=request.user, client_id=client_id, data=data), request.user)


@router.get(
    "/clients/{client_id}/workout-history",
    response=CursorPage[CompletionOut],
    summary="Logged workouts, newest first (cursor pagination)",
)
def workout_history(request: AuthedRequest, client_id: int, query: Query[HistoryQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="workouts.view")
    system = display_unit_system(viewer=request.user, client_id=client.pk)
    page = paginate_cursor(
        selectors.workout_history(client=client),
        cursor=query.cursor,
        limit=query.limit,
        order=("-performed_on", "-id"),
    )
    return {"items": [schemas.completion_out(c, system) for c in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/workout-completions/{completion_id}", response=CompletionOut, summary="One logged workout")
def completion_detail(request: AuthedRequest, completion_id: int) -> object:
    completion = selectors.completion_get(actor=request.user, completion_id=completion_id)
    return schemas.completion_out(completion, display_unit_system(viewer=request.user, client_id=completion.client_id))


@router.get(
    "/clients/{client_id}/personal-records",
    response=list[ExerciseRecordsOut],
    summary="Current personal records per exercise (heaviest load, best estimated 1RM, most reps at a load)",
)
def personal_records(request: AuthedRequest, client_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="workouts.view")
    boards = selectors.personal_records(client=client)
    return schemas.records_board_out(boards, display_unit_system(viewer=request.user, client_id=client.pk))


@router.get(
    "/clients/{client_id}/training-summary",
    response=TrainingSummaryOut,
    summary="Weekly volume and adherence, and the estimated-1RM curve of the most trained lifts",
)
def training_summary(request: AuthedRequest, client_id: int, query: Query[SummaryQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="workouts.view")
    weeks = selectors.training_weeks(client=client, weeks=query.weeks)
    lifts = selectors.strength_series(client=client, lifts=query.lifts, since=weeks[0].week_start)
    return schemas.summary_out(weeks, lifts, display_unit_system(viewer=request.user, client_id=client.pk))
