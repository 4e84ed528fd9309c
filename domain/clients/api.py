"""/api/v1/clients: thin endpoints — parse, authorise, call one service or selector, shape the answer."""

from __future__ import annotations

from ninja import Query, Router, Status

from core.api.pagination import CursorPage, PageParams, paginate_cursor
from core.http import AuthedRequest
from core.models import User
from core.permissions import can
from core.studio_time import studio_today
from domain.clients import selectors, services
from domain.clients.models import (
    MEASUREMENT_SPECS,
    ClientGoal,
    ClientStatus,
    FitnessAssessment,
    HealthHistory,
    ParqQuestion,
)
from domain.clients.schemas import (
    AssessmentIn,
    AssessmentOut,
    ClientIn,
    ClientOut,
    ClientUpdateIn,
    ContactIo,
    ContactOut,
    GoalIn,
    GoalOut,
    HealthHistoryIn,
    HealthHistoryOut,
    InjuryIo,
    MeasurementOut,
    ParqQuestionOut,
    ProfileIn,
    ProfileOut,
    TrainerRef,
)
from domain.progress.selectors import display_unit_system
from domain.progress.units import unit_display

router = Router(tags=["clients"])


class ClientFilters(PageParams):
    q: str | None = None
    status: str | None = None
    trainer_id: int | None = None
    tag: str | None = None


def _actor(request: AuthedRequest) -> User:
    return request.user


def _client(request: AuthedRequest, client_id: int, action: str) -> User:
    """The client to read, if the caller may do `action` on them (selectors.client_in_scope: 403/404)."""
    return selectors.client_in_scope(actor=_actor(request), client_id=client_id, action=action, loaded=True)


def client_out(client: User, *, private: bool) -> ClientOut:
    profile = getattr(client, "client_profile", None)
    return ClientOut(
        id=client.pk,
        email=client.email,
        first_name=client.first_name,
        last_name=client.last_name,
        phone=client.phone,
        status=profile.status if profile else ClientStatus.ACTIVE,
        is_active=client.is_active,
        trainers=[
            TrainerRef(id=link.trainer_id, name=link.trainer.full_name, is_primary=link.is_primary)
            for link in client.trainer_links.all()
        ],
        tags=(profile.tags if profile else []) if private else None,
        date_joined=client.date_joined,
    )


def _private(request: AuthedRequest) -> bool:
    return can(_actor(request), "clients.view_private_notes")


@router.get("", response=CursorPage[ClientOut], summary="Clients you may see, searchable")
def client_list(request: AuthedRequest, filters: Query[ClientFilters]) -> dict:
    actor = _actor(request)
    clients = selectors.client_list(
        actor=actor, search=filters.q, status=filters.status, trainer_id=filters.trainer_id, tag=filters.tag
    )
    page = paginate_cursor(clients, cursor=filters.cursor, limit=filters.limit, order=("first_name", "last_name", "id"))
    private = _private(request)
    return {"items": [client_out(c, private=private) for c in page["items"]], "next_cursor": page["next_cursor"]}


@router.post("", response={201: ClientOut}, summary="Add a client (they set a password through an invitation)")
def client_create(request: AuthedRequest, payload: ClientIn) -> Status:
    actor = _actor(request)
    client = services.client_create(
        actor=actor,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        phone=payload.phone,
        profile=services.ProfileData(**payload.profile.dict()) if payload.profile else None,
        trainer_ids=payload.trainer_ids or (),
    )
    return Status(201, client_out(selectors.client_get(actor=actor, client_id=client.pk), private=True))


@router.get("/{int:client_id}", response=ClientOut, summary="One client")
def client_detail(request: AuthedRequest, client_id: int) -> ClientOut:
    return client_out(_client(request, client_id, "clients.view"), private=_private(request))


@router.put("/{int:client_id}", response=ClientOut, summary="Update account details, status and trainers")
def client_update(request: AuthedRequest, client_id: int, payload: ClientUpdateIn) -> ClientOut:
    actor = _actor(request)
    services.client_update(actor=actor, client_id=client_id, **payload.dict())
    return client_out(selectors.client_get(actor=actor, client_id=client_id), private=True)


@router.delete("/{int:client_id}", response={204: None}, summary="Archive a client (recoverable by the owner)")
def client_archive(request: AuthedRequest, client_id: int) -> Status:
    services.client_archive(actor=_actor(request), client_id=client_id)
    return Status(204, None)


@router.post("/{int:client_id}/access-link", response={202: None}, summary="Email the client a sign-in link")
def client_access_link(request: AuthedRequest, client_id: int) -> Status:
    services.client_access_link_send(actor=_actor(request), client_id=client_id, request=request)
    return Status(202, None)


@router.post("/{int:client_id}/restore", response=ClientOut, summary="Bring an archived client back")
def client_restore(request: AuthedRequest, client_id: int) -> ClientOut:
    actor = _actor(request)
    services.client_restore(actor=actor, client_id=client_id)
    return client_out(selectors.client_get(actor=actor, client_id=client_id), private=True)


def profile_out(client: User, *, private: bool) -> ProfileOut:
    profile = getattr(client, "client_profile", None)
    return ProfileOut(
        date_of_birth=profile.date_of_birth if profile else None,
        sex=profile.sex if profile else "undisclosed",
        height_cm=float(profile.height_cm) if profile and profile.height_cm is not None else None,
        unit_preference=profile.unit_preference if profile else "metric",
        tags=(profile.tags if profile else []) if private else None,
        trainer_notes=(profile.trainer_notes if profile else "") if private else None,
    )


@router.get("/{int:client_id}/profile", response=ProfileOut, summary="Profile")
def profile_detail(request: AuthedRequest, client_id: int) -> ProfileOut:
    return profile_out(_client(request, client_id, "clients.view"), private=_private(request))


@router.put("/{int:client_id}/profile", response=ProfileOut, summary="Update the profile (tags and notes: staff)")
def profile_update(request: AuthedRequest, client_id: int, payload: ProfileIn) -> ProfileOut:
    private = _private(request)
    services.client_profile_update(
        actor=_actor(request), client_id=client_id, data=services.ProfileData(**payload.dict()), private_fields=private
    )
    return profile_out(selectors.client_get(actor=_actor(request), client_id=client_id), private=private)


def health_out(history: HealthHistory) -> HealthHistoryOut:
    clearance = history.medical_clearance or {}
    expires = history.medical_clearance_expires_on
    valid_clearance = bool(clearance.get("cleared")) and (expires is None or expires >= studio_today())
    answers = history.parq_answers or {}
    return HealthHistoryOut(
        conditions=history.conditions or [],
        injuries=[InjuryIo(**injury) for injury in history.injuries or []],
        medications=history.medications or [],
        parq=[ParqQuestionOut(key=q.value, text=str(q.label), answer=answers.get(q.value)) for q in ParqQuestion],
        medically_cleared=bool(clearance.get("cleared")),
        cleared_on=clearance.get("cleared_on"),
        cleared_by=clearance.get("cleared_by", ""),
        clearance_expires_on=expires,
        clearance_needed=bool(history.parq_flags) and not valid_clearance,
        notes=history.notes or "",
        updated_at=None if history._state.adding else history.updated_at,
    )


@router.get("/{int:client_id}/health-history", response=HealthHistoryOut, summary="Health history")
def health_detail(request: AuthedRequest, client_id: int) -> HealthHistoryOut:
    return health_out(selectors.health_history_get(client=_client(request, client_id, "clients.view_health")))


@router.put("/{int:client_id}/health-history", response=HealthHistoryOut, summary="Replace the health history")
def health_update(request: AuthedRequest, client_id: int, payload: HealthHistoryIn) -> HealthHistoryOut:
    fields = payload.dict()
    fields["injuries"] = [services.Injury(**injury) for injury in fields["injuries"]]
    history = services.health_history_update(
        actor=_actor(request), client_id=client_id, data=services.HealthData(**fields)
    )
    return health_out(selectors.health_history_get(client=history.client))


def goal_out(goal: ClientGoal) -> GoalOut:
    return GoalOut.from_orm(goal)


@router.get("/{int:client_id}/goals", response=CursorPage[GoalOut], summary="Goals")
def goal_list(request: AuthedRequest, client_id: int, page: Query[PageParams], status: str | None = None) -> dict:
    client = _client(request, client_id, "clients.view")
    return paginate_cursor(
        selectors.goal_list(client=client, status=status),
        cursor=page.cursor,
        limit=page.limit,
        order=("-created_at", "-id"),
    )


@router.post("/{int:client_id}/goals", response={201: GoalOut}, summary="Set a goal")
def goal_create(request: AuthedRequest, client_id: int, payload: GoalIn) -> Status:
    goal = services.goal_create(actor=_actor(request), client_id=client_id, data=services.GoalData(**payload.dict()))
    return Status(201, goal)


@router.put("/{int:client_id}/goals/{int:goal_id}", response=GoalOut, summary="Update progress or status")
def goal_update(request: AuthedRequest, client_id: int, goal_id: int, payload: GoalIn) -> ClientGoal:
    return services.goal_update(
        actor=_actor(request), client_id=client_id, goal_id=goal_id, data=services.GoalData(**payload.dict())
    )


@router.get("/{int:client_id}/emergency-contacts", response=CursorPage[ContactOut], summary="Emergency contacts")
def contact_list(request: AuthedRequest, client_id: int, page: Query[PageParams]) -> dict:
    client = _client(request, client_id, "clients.view")
    return paginate_cursor(
        selectors.emergency_contact_list(client=client), cursor=page.cursor, limit=page.limit, order=("id",)
    )


@router.post("/{int:client_id}/emergency-contacts", response={201: ContactOut}, summary="Add an emergency contact")
def contact_create(request: AuthedRequest, client_id: int, payload: ContactIo) -> Status:
    return Status(
        201,
        services.emergency_contact_create(
            actor=_actor(request), client_id=client_id, data=services.ContactData(**payload.dict())
        ),
    )


@router.put("/{int:client_id}/emergency-contacts/{int:contact_id}", response=ContactOut, summary="Edit a contact")
def contact_update(request: AuthedRequest, client_id: int, contact_id: int, payload: ContactIo) -> object:
    return services.emergency_contact_update(
        actor=_actor(request), client_id=client_id, contact_id=contact_id, data=services.ContactData(**payload.dict())
    )


@router.delete("/{int:client_id}/emergency-contacts/{int:contact_id}", response={204: None}, summary="Remove a contact")
def contact_delete(request: AuthedRequest, client_id: int, contact_id: int) -> Status:
    services.emergency_contact_delete(actor=_actor(request), client_id=client_id, contact_id=contact_id)
    return Status(204, None)


def assessment_out(assessment: FitnessAssessment, system: str) -> AssessmentOut:
    """`system`: the caller's units (`display_unit_system`), for the measurements' `display`."""
    measurements = []
    for m in assessment.measurements.all():
        unit = MEASUREMENT_SPECS[m.kind].unit
        measurements.append(
            MeasurementOut(
                kind=m.kind,
                label=str(m.get_kind_display()),
                value=float(m.value),
                unit=unit,
                display=unit_display(m.value, unit, system),
            )
        )
    return AssessmentOut(
        id=assessment.pk,
        assessed_on=assessment.assessed_on,
        assessed_by_id=assessment.assessed_by_id,
        notes=assessment.notes,
        measurements=measurements,
    )


@router.get("/{int:client_id}/assessments", response=CursorPage[AssessmentOut], summary="Fitness assessments")
def assessment_list(request: AuthedRequest, client_id: int, page: Query[PageParams]) -> dict:
    client = _client(request, client_id, "clients.view_assessments")
    result = paginate_cursor(
        selectors.assessment_list(client=client), cursor=page.cursor, limit=page.limit, order=("-assessed_on", "-id")
    )
    system = display_unit_system(viewer=request.user, client_id=client.pk)
    return {"items": [assessment_out(a, system) for a in result["items"]], "next_cursor": result["next_cursor"]}


@router.post("/{int:client_id}/assessments", response={201: AssessmentOut}, summary="Record an assessment")
def assessment_create(request: AuthedRequest, client_id: int, payload: AssessmentIn) -> Status:
    assessment = services.assessment_create(actor=_actor(request), client_id=client_id, **payload.dict())
    system = display_unit_system(viewer=request.user, client_id=assessment.client_id)
    return Status(201, assessment_out(assessment, system))
