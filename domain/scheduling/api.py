"""/api/v1 scheduling endpoints: parse, authorise (role), call one service or selector, shape the answer.

Object rules (whose appointment, whose calendar) live in the services and selectors, so the API and
the portal cannot disagree.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from core.api.pagination import CursorPage, paginate_cursor
from core.api.types import ApiDate, ApiDateTime
from core.http import AuthedRequest
from core.permissions import require
from core.studio_time import studio_timezone_name, studio_zone
from domain.scheduling import selectors, services
from domain.scheduling.access import trainer_get
from domain.scheduling.schemas import (
    AppointmentChangeOut,
    AppointmentIn,
    AppointmentOut,
    AppointmentSeriesIn,
    AppointmentSeriesOut,
    AppointmentTypeIn,
    AppointmentTypeOut,
    AppointmentTypePatch,
    AppointmentUpdateIn,
    AttendanceIn,
    AvailabilityIn,
    AvailabilityOut,
    CalendarFeedOut,
    CancelIn,
    CancelledOut,
    ClassTypeIn,
    ClassTypeOut,
    ExceptionIn,
    ExceptionOut,
    GroupSessionIn,
    GroupSessionOut,
    GroupSessionSeriesIn,
    GroupSessionSeriesOut,
    GroupSessionUpdateIn,
    ParticipantOut,
    PatternOut,
    PersonOut,
    PolicyIn,
    PolicyOut,
    RecurrenceIn,
    RosterOut,
    SessionCancelledOut,
    SlotsOut,
)

router = Router(tags=["scheduling"])
trainers = Router(tags=["scheduling: availability"])
appointment_types = Router(tags=["scheduling: appointments"])
appointments = Router(tags=["scheduling: appointments"])
patterns = Router(tags=["scheduling: appointments"])
class_types = Router(tags=["scheduling: classes"])
sessions = Router(tags=["scheduling: classes"])
settings_router = Router(tags=["scheduling: settings"])


def _rule(data: RecurrenceIn) -> services.RecurrenceRule:
    return services.RecurrenceRule(
        frequency=data.frequency,
        starts_on=data.starts_on,
        start_time=data.start_time,
        interval=data.interval,
        weekdays=tuple(data.weekdays),
        until=data.until,
        count=data.count,
        excluded_dates=tuple(data.excluded_dates),
    )


# --- Trainers and availability -------------------------------------------------------------------


@trainers.get("", response=list[PersonOut], summary="Trainers who can be booked")
def trainer_list(request: AuthedRequest) -> object:
    require(request.user, "scheduling.view")
    return list(selectors.trainer_list())


def _availability(trainer_id: int) -> dict[str, object]:
    return {
        "trainer": trainer_get(trainer_id),
        "timezone": studio_timezone_name(),
        "hours": selectors.availability_weekly(trainer_id=trainer_id),
        "exceptions": selectors.availability_exceptions(
            trainer_id=trainer_id, since=datetime.now(studio_zone()).date()
        ),
    }


@trainers.get("/{trainer_id}/availability", response=AvailabilityOut, summary="Weekly hours and upcoming exceptions")
def availability_get(request: AuthedRequest, trainer_id: int) -> object:
    require(request.user, "scheduling.view")
    return _availability(trainer_id)


@trainers.post("/{trainer_id}/availability", response=AvailabilityOut, summary="Replace the weekly working hours")
def availability_set(request: AuthedRequest, trainer_id: int, payload: AvailabilityIn) -> object:
    services.availability_set(
        actor=request.user,
        trainer_id=trainer_id,
        hours=[services.WeeklyHours(**item.dict()) for item in payload.hours],
    )
    return _availability(trainer_id)


@trainers.post(
    "/{trainer_id}/availability/exceptions", response={201: ExceptionOut}, summary="Add time off or extra hours"
)
def availability_exception_add(request: AuthedRequest, trainer_id: int, payload: ExceptionIn) -> object:
    return Status(
        201,
        services.availability_exception_add(
            actor=request.user,
            trainer_id=trainer_id,
            day=payload.date,
            kind=payload.kind,
            start_time=payload.start_time,
            end_time=payload.end_time,
            note=payload.note,
        ),
    )


@trainers.delete("/{trainer_id}/availability/exceptions/{exception_id}", response={204: None})
def availability_exception_remove(request: AuthedRequest, trainer_id: int, exception_id: int) -> object:
    services.availability_exception_remove(actor=request.user, exception_id=exception_id)
    return Status(204, None)


class SlotQuery(Schema):
    appointment_type_id: int
    start: ApiDate = Field(description="First studio-local date.")
    end: ApiDate = Field(description="Last studio-local date (at most 62 days after start).")


@trainers.get("/{trainer_id}/slots", response=SlotsOut, summary="Open slots for a type between two dates")
def slot_list(request: AuthedRequest, trainer_id: int, query: Query[SlotQuery]) -> object:
    require(request.user, "scheduling.view")
    found = selectors.trainer_slots(
        trainer_id=trainer_id,
        appointment_type_id=query.appointment_type_id,
        start_date=query.start,
        end_date=query.end,
    )
    return {
        "timezone": studio_timezone_name(),
        "trainer_id": trainer_id,
        "appointment_type_id": query.appointment_type_id,
        "slots": found,
    }


# --- Appointment types ---------------------------------------------------------------------------


@appointment_types.get("", response=list[AppointmentTypeOut])
def appointment_type_list(request: AuthedRequest, trainer_id: int | None = None) -> object:
    require(request.user, "scheduling.view")
    return list(selectors.appointment_type_list(trainer_id=trainer_id))


@appointment_types.post("", response={201: AppointmentTypeOut})
def appointment_type_create(request: AuthedRequest, payload: AppointmentTypeIn) -> object:
    values = payload.dict()
    trainer_id = values.pop("trainer_id")
    return Status(201, services.appointment_type_create(actor=request.user, trainer_id=trainer_id, **values))


@appointment_types.put("/{type_id}", response=AppointmentTypeOut)
def appointment_type_update(request: AuthedRequest, type_id: int, payload: AppointmentTypePatch) -> object:
    changes = payload.dict(exclude_unset=True)
    return services.appointment_type_update(actor=request.user, appointment_type_id=type_id, **changes)


# --- Appointments --------------------------------------------------------------------------------


class AppointmentQuery(Schema):
    trainer_id: int | None = None
    client_id: int | None = None
    status: list[str] | None = None
    start: ApiDateTime | None = None
    end: ApiDateTime | None = None
    cursor: str | None = None
    limit: int = 50


@appointments.get("", response=CursorPage[AppointmentOut], summary="Appointments you can see, soonest first")
def appointment_list(request: AuthedRequest, query: Query[AppointmentQuery]) -> object:
    queryset = selectors.appointment_list(
        viewer=request.user,
        trainer_id=query.trainer_id,
        client_id=query.client_id,
        statuses=query.status,
        start=query.start,
        end=query.end,
    )
    return paginate_cursor(queryset, cursor=query.cursor, limit=query.limit, order=("starts_at", "id"))


@appointments.post("", response={201: AppointmentOut}, summary="Book a 1:1 session (409 when the slot is taken)")
def appointment_create(request: AuthedRequest, payload: AppointmentIn) -> object:
    appointment = services.appointment_book(
        actor=request.user,
        trainer_id=payload.trainer_id,
        client_id=payload.client_id or request.user.pk,
        appointment_type_id=payload.appointment_type_id,
        starts_at=payload.starts_at,
        notes=payload.notes,
        override=payload.override,
    )
    return Status(201, appointment)


@appointments.post("/recurring", response={201: AppointmentSeriesOut}, summary="A recurring 1:1 booking")
def appointment_series_create(request: AuthedRequest, payload: AppointmentSeriesIn) -> object:
    result = services.appointment_series_create(
        actor=request.user,
        trainer_id=payload.trainer_id,
        client_id=payload.client_id,
        appointment_type_id=payload.appointment_type_id,
        rule=_rule(payload.recurrence),
        notes=payload.notes,
        override=payload.override,
    )
    return Status(201, {"pattern": result.pattern, "created": result.created, "conflicts": result.conflicts})


@appointments.get("/{appointment_id}", response=AppointmentOut)
def appointment_detail(request: AuthedRequest, appointment_id: int) -> object:
    return selectors.appointment_get(viewer=request.user, appointment_id=appointment_id)


@appointments.put("/{appointment_id}", response=AppointmentChangeOut, summary="Move or edit (this or following)")
def appointment_update(request: AuthedRequest, appointment_id: int, payload: AppointmentUpdateIn) -> object:
    result = services.appointment_update(
        actor=request.user,
        appointment_id=appointment_id,
        starts_at=payload.starts_at,
        notes=payload.notes,
        location=payload.location,
        online_link=payload.online_link,
        scope=payload.scope,
    )
    if isinstance(result, services.SeriesResult):
        appointment = selectors.appointment_get(viewer=request.user, appointment_id=appointment_id)
        return {"appointment": appointment, "moved": result.moved, "conflicts": result.conflicts}
    return {"appointment": result, "moved": [], "conflicts": []}


@appointments.delete("/{appointment_id}", response={204: None}, summary="Cancel (the record is kept)")
def appointment_delete(request: AuthedRequest, appointment_id: int) -> object:
    services.appointment_cancel(actor=request.user, appointment_id=appointment_id)
    return Status(204, None)


@appointments.post("/{appointment_id}/confirm", response=AppointmentOut)
def appointment_confirm(request: AuthedRequest, appointment_id: int) -> object:
    return services.appointment_confirm(actor=request.user, appointment_id=appointment_id)


@appointments.post("/{appointment_id}/cancel", response=CancelledOut, summary="Cancel this or this and following")
def appointment_cancel(request: AuthedRequest, appointment_id: int, payload: CancelIn) -> object:
    cancelled = services.appointment_cancel(
        actor=request.user, appointment_id=appointment_id, reason=payload.reason, scope=payload.scope
    )
    return {"cancelled": cancelled}


@appointments.post("/{appointment_id}/attendance", response=AppointmentOut, summary="Completed or no-show")
def appointment_attendance(request: AuthedRequest, appointment_id: int, payload: AttendanceIn) -> object:
    return services.appointment_mark_attendance(
        actor=request.user, appointment_id=appointment_id, attended=payload.attended
    )


@patterns.get("/{pattern_id}", response=PatternOut, summary="A series and the occurrences it could not place")
def pattern_detail(request: AuthedRequest, pattern_id: int) -> object:
    return selectors.pattern_get(viewer=request.user, pattern_id=pattern_id)


# --- Group classes -------------------------------------------------------------------------------


@class_types.get("", response=list[ClassTypeOut])
def class_type_list(request: AuthedRequest) -> object:
    require(request.user, "scheduling.view")
    return list(selectors.class_type_list())


@class_types.post("", response={201: ClassTypeOut})
def class_type_create(request: AuthedRequest, payload: ClassTypeIn) -> object:
    return Status(201, services.class_type_create(actor=request.user, **payload.dict()))


class SessionQuery(Schema):
    start: ApiDateTime | None = None
    end: ApiDateTime | None = None
    instructor_id: int | None = None
    class_type_id: int | None = None
    cursor: str | None = None
    limit: int = 50


@sessions.get("", response=CursorPage[GroupSessionOut], summary="The class timetable, with your registrations")
def group_session_list(request: AuthedRequest, query: Query[SessionQuery]) -> object:
    queryset = selectors.group_session_list(
        viewer=request.user,
        start=query.start,
        end=query.end,
        instructor_id=query.instructor_id,
        class_type_id=query.class_type_id,
    )
    return paginate_cursor(queryset, cursor=query.cursor, limit=query.limit, order=("starts_at", "id"))


def _session_out(request: AuthedRequest, session_id: int) -> object:
    return selectors.group_session_list(viewer=request.user, include_cancelled=True).get(pk=session_id)


@sessions.post("", response={201: GroupSessionOut}, summary="Schedule a class")
def group_session_create(request: AuthedRequest, payload: GroupSessionIn) -> object:
    session = services.group_session_create(actor=request.user, **payload.dict())
    return Status(201, _session_out(request, session.pk))


@sessions.post("/recurring", response={201: GroupSessionSeriesOut}, summary="A recurring class")
def group_session_series_create(request: AuthedRequest, payload: GroupSessionSeriesIn) -> object:
    values = payload.dict()
    values.pop("recurrence")
    result = services.group_session_series_create(actor=request.user, rule=_rule(payload.recurrence), **values)
    created = selectors.group_session_list(viewer=request.user).filter(pk__in=[s.pk for s in result.created])
    return Status(201, {"pattern": result.pattern, "created": list(created), "conflicts": result.conflicts})


@sessions.get("/{session_id}", response=GroupSessionOut)
def group_session_detail(request: AuthedRequest, session_id: int) -> object:
    selectors.group_session_get(session_id=session_id)
    return _session_out(request, session_id)


@sessions.put("/{session_id}", response=GroupSessionOut, summary="Move or change one class")
def group_session_update(request: AuthedRequest, session_id: int, payload: GroupSessionUpdateIn) -> object:
    services.group_session_update(actor=request.user, session_id=session_id, **payload.dict())
    return _session_out(request, session_id)


@sessions.post("/{session_id}/cancel", response=SessionCancelledOut, summary="Cancel this or this and following")
def group_session_cancel(request: AuthedRequest, session_id: int, payload: CancelIn) -> object:
    cancelled = services.group_session_cancel(
        actor=request.user, session_id=session_id, reason=payload.reason, scope=payload.scope
    )
    ids = [s.pk for s in cancelled]
    return {
        "cancelled": list(selectors.group_session_list(viewer=request.user, include_cancelled=True).filter(pk__in=ids))
    }


@sessions.post("/{session_id}/register", response={201: ParticipantOut}, summary="Take a seat or join the waitlist")
def group_session_register(
    request: AuthedRequest, session_id: int, client_id: int | None = None, override: bool = False
) -> object:
    """`client_id` (query) lets staff register a client; clients register themselves. A client without a
    pass gets 402; staff may `override` (audited)."""
    return Status(
        201,
        services.group_session_register(
            actor=request.user, session_id=session_id, client_id=client_id, override=override
        ),
    )


@sessions.post(
    "/{session_id}/cancel-registration", response=ParticipantOut, summary="Give up a seat or leave the waitlist"
)
def group_session_unregister(request: AuthedRequest, session_id: int, client_id: int | None = None) -> object:
    """`client_id` (query) lets staff take a client off; clients cancel their own place."""
    return services.group_session_unregister(actor=request.user, session_id=session_id, client_id=client_id)


@sessions.get("/{session_id}/roster", response=RosterOut, summary="Seated people, then the waitlist in order")
def group_session_roster(request: AuthedRequest, session_id: int) -> object:
    _session, participants = selectors.group_session_roster(viewer=request.user, session_id=session_id)
    return {"session": _session_out(request, session_id), "participants": participants}


@sessions.post("/{session_id}/participants/{participant_id}/attendance", response=ParticipantOut)
def participant_attendance(
    request: AuthedRequest, session_id: int, participant_id: int, payload: AttendanceIn
) -> object:
    return services.participant_mark_attendance(
        actor=request.user, participant_id=participant_id, attended=payload.attended, session_id=session_id
    )


# --- Policy and calendar feed --------------------------------------------------------------------


@settings_router.get("/policy", response=PolicyOut)
def policy_get(request: AuthedRequest) -> object:
    require(request.user, "scheduling.view")
    return selectors.policy_get()


@settings_router.put("/policy", response=PolicyOut)
def policy_update(request: AuthedRequest, payload: PolicyIn) -> object:
    return services.scheduling_policy_update(actor=request.user, **payload.dict())


@settings_router.post("/calendar-feed", response={201: CalendarFeedOut}, summary="A new secret iCalendar link")
def calendar_feed_create(request: AuthedRequest) -> object:
    token = services.calendar_feed_rotate(owner=request.user)
    return Status(201, {"url": request.build_absolute_uri(reverse("calendar_feed", args=[token]))})


@settings_router.delete("/calendar-feed", response={204: None}, summary="Revoke your iCalendar link")
def calendar_feed_revoke(request: AuthedRequest) -> object:
    services.calendar_feed_revoke(owner=request.user)
    return Status(204, None)


router.add_router("/trainers", trainers)
router.add_router("/appointment-types", appointment_types)
router.add_router("/appointments", appointments)
router.add_router("/recurring-patterns", patterns)
router.add_router("/class-types", class_types)
router.add_router("/group-sessions", sessions)
router.add_router("/scheduling", settings_router)
