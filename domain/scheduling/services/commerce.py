"""Scheduling's side of studio commerce: each booking step tells the entitlement engine
(billing/payments) in the booking's own transaction, so a refused pass leaves no booking behind.

book -> consume (or 402); a client's cancel inside the window, or any cancel by the studio -> the credit
returns; a client's late cancel -> forfeited + strike + fee; no-show -> forfeited + strike + fee;
attended -> used. A waitlist place holds nothing; promotion consumes, or skips the client (they are told).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from billing.payments.errors import EntitlementRequired
from billing.payments.services import bookings as commerce
from core.models import User
from core.tenancy import queue_after_commit
from domain.scheduling import selectors
from domain.scheduling.models import Appointment, GroupSession, SessionParticipant


def _label(name: str, starts_at: datetime) -> str:
    local = timezone.localtime(starts_at, selectors.studio_zone())
    return f"{name}, {date_format(local, 'DATETIME_FORMAT')}"


def appointment_ref(appointment: Appointment) -> commerce.BookingRef:
    return commerce.BookingRef(
        client=appointment.client,
        starts_at=appointment.starts_at,
        label=_label(appointment.appointment_type.name, appointment.starts_at),
        appointment_id=appointment.pk,
        appointment_type_id=appointment.appointment_type_id,
    )


def participant_ref(participant: SessionParticipant, session: GroupSession) -> commerce.BookingRef:
    return commerce.BookingRef(
        client=participant.client,
        starts_at=session.starts_at,
        label=_label(session.class_type.name, session.starts_at),
        participant_id=participant.pk,
        class_type_id=session.class_type_id,
    )


def appointment_cancelled(appointment: Appointment, *, actor: User, now: datetime) -> None:
    commerce.booking_cancelled(
        actor=actor, ref=appointment_ref(appointment), late=appointment.is_late_cancellation, now=now
    )


def appointment_moved(appointment: Appointment) -> None:
    """The pass a moved appointment holds counts at its new time."""
    commerce.booking_moved(ref=appointment_ref(appointment))


def appointment_attendance(appointment: Appointment, *, actor: User, now: datetime) -> None:
    if appointment.status == Appointment.Status.NO_SHOW:
        commerce.booking_no_show(actor=actor, ref=appointment_ref(appointment), now=now)
    else:
        commerce.booking_attended(actor=actor, ref=appointment_ref(appointment), now=now)


def participant_cancelled(
    participant: SessionParticipant, session: GroupSession, *, actor: User | None, now: datetime
) -> None:
    by_studio = session.status == GroupSession.Status.CANCELLED
    commerce.booking_cancelled(
        actor=actor,
        ref=participant_ref(participant, session),
        late=participant.is_late_cancellation,
        by_studio=by_studio,
        now=now,
    )


def participant_attendance(
    participant: SessionParticipant, session: GroupSession, *, actor: User, now: datetime
) -> None:
    if participant.status == SessionParticipant.Status.NO_SHOW:
        commerce.booking_no_show(actor=actor, ref=participant_ref(participant, session), now=now)
    else:
        commerce.booking_attended(actor=actor, ref=participant_ref(participant, session), now=now)


def promotable(
    session: GroupSession, waiting: QuerySet[SessionParticipant], *, free: int, now: datetime
) -> list[SessionParticipant]:
    """The first `free` clients on the waitlist who can pay for the seat (each consumes one now); those
    with nothing left are skipped, stay on the waitlist, and are told after commit."""
    from domain.scheduling.tasks import waitlist_skipped_notify

    chosen: list[SessionParticipant] = []
    for participant in waiting.order_by("waitlist_position"):
        if len(chosen) == free:
            break
        try:
            with transaction.atomic():
                commerce.booking_consume(actor=participant.client, ref=participant_ref(participant, session), now=now)
        except EntitlementRequired as refused:
            queue_after_commit(waitlist_skipped_notify, participant_id=participant.pk, reason=refused.message)
            continue
        chosen.append(participant)
    return chosen


def series_occurrences_consume(
    appointments: list[Appointment], *, client: User, actor: User, now: datetime, override: bool = False
) -> tuple[list[Appointment], list[tuple[datetime, str]]]:
    """Each occurrence of a 1:1 series consumes a pass as one booking does (a credit each, a membership
    visit in its week), in the series' transaction; an occurrence nothing pays for is removed and
    reported with the engine's reason, unless staff booked the series with `override` (then it is booked
    on an override, audited, exactly as a single booking's). Returns (kept, [(start, reason)]). Cancelling
    an occurrence later returns its credit by the studio's window, like any booking."""
    kept: list[Appointment] = []
    refused: list[tuple[datetime, str]] = []
    for appointment in appointments:
        appointment.client = client
        try:
            with transaction.atomic():
                commerce.booking_consume(actor=actor, ref=appointment_ref(appointment), override=override, now=now)
        except EntitlementRequired as no_pass:
            refused.append((appointment.starts_at, no_pass.message))
            continue
        kept.append(appointment)
    if refused:
        Appointment.objects.filter(pk__in=[a.pk for a in appointments if a not in kept]).delete()
    return kept, refused
