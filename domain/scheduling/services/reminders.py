"""Reminder rows (written and cancelled with the booking) and their at-most-once delivery."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import User
from core.preferences import preferences_of
from core.studio_time import studio_clock, studio_time_text
from domain.messaging.services import notify
from domain.notifications.channels import DeliveryError, Message
from domain.scheduling import selectors
from domain.scheduling.models import (
    Appointment,
    AppointmentReminder,
    GroupSession,
    SessionParticipant,
)

REMINDER_MAX_ATTEMPTS = 5


def reminders_schedule(
    *,
    starts_at: datetime,
    recipient: User,
    appointment: Appointment | None = None,
    participant: SessionParticipant | None = None,
    now: datetime | None = None,
) -> list[AppointmentReminder]:
    """One reminder per configured offset and channel, for the ones still in the future."""
    now = now or timezone.now()
    policy = selectors.policy_get()
    rows = [
        AppointmentReminder(
            appointment=appointment,
            participant=participant,
            recipient=recipient,
            channel=channel,
            offset_minutes=offset,
            send_at=starts_at - timedelta(minutes=offset),
        )
        for offset in policy.reminder_offsets_minutes
        for channel in policy.reminder_channels
        if starts_at - timedelta(minutes=offset) > now
    ]
    return AppointmentReminder.objects.bulk_create(rows)


def reminders_cancel(**booking: Any) -> int:
    return AppointmentReminder.objects.filter(status=AppointmentReminder.Status.SCHEDULED, **booking).update(
        status=AppointmentReminder.Status.CANCELLED
    )


class ReminderOutcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already handled, locked by another worker, not due yet, or booking cancelled
    RETRY = "retry"
    FAILED = "failed"


@transaction.atomic
def reminder_send(*, reminder_id: int, now: datetime | None = None) -> ReminderOutcome:
    """Send one reminder at most once.

    The row is locked (SKIP LOCKED: a duplicate delivery of the task returns at once) and moves from
    `scheduled` to `sent` in the transaction that sends it. If the worker dies mid-way the transaction
    rolls back with the connection, the row is `scheduled` again and the retried task sends it; once
    committed as `sent`, every later delivery of the task is a no-op.
    """
    now = now or timezone.now()
    reminder = (
        AppointmentReminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "appointment", "participant")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.status != AppointmentReminder.Status.SCHEDULED or reminder.send_at > now:
        return ReminderOutcome.SKIPPED
    if not _booking_still_live(reminder, now):
        reminder.status = AppointmentReminder.Status.CANCELLED
        reminder.save(update_fields=["status"])
        return ReminderOutcome.SKIPPED
    reminder.attempts += 1
    try:
        _reminder_notify(reminder, now)
    except DeliveryError as exc:
        reminder.last_error = str(exc)[:500]
        give_up = exc.permanent or reminder.attempts >= REMINDER_MAX_ATTEMPTS
        if give_up:
            reminder.status = AppointmentReminder.Status.FAILED
        reminder.save(update_fields=["attempts", "last_error", "status"])
        return ReminderOutcome.FAILED if give_up else ReminderOutcome.RETRY
    reminder.status = AppointmentReminder.Status.SENT
    reminder.sent_at = now
    reminder.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return ReminderOutcome.SENT


def _booking_still_live(reminder: AppointmentReminder, now: datetime) -> bool:
    """Still booked and not started (a reminder found late, after an outage, is dropped, not sent)."""
    if reminder.appointment_id:
        appointment = reminder.appointment
        return appointment is not None and appointment.status in Appointment.LIVE and appointment.starts_at > now
    participant = reminder.participant
    return (
        participant is not None
        and participant.status == SessionParticipant.Status.BOOKED
        and GroupSession.objects.filter(
            pk=participant.session_id, status=GroupSession.Status.SCHEDULED, starts_at__gt=now
        ).exists()
    )


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, text) of `emails/scheduling/<name>`, on the studio's wall clock, in the language of
    `context["person"]` (their preferences) or else the studio's."""
    context = {**context, "studio_name": getattr(getattr(connection, "tenant", None), "name", "")}
    with studio_clock(language=preferences_of(context.get("person")).language or None):
        subject = render_to_string(f"emails/scheduling/{name}_subject.txt", context).strip()
        return subject, render_to_string(f"emails/scheduling/{name}.txt", context)


def _reminder_notify(reminder: AppointmentReminder, now: datetime) -> None:
    """Through messaging's one notification service: in the bell too, on the reminder's channel if the
    person allows it; sent here, in the reminder's transaction (raises DeliveryError when it cannot be)."""
    message, context = _reminder_message(reminder)
    notify(
        user=reminder.recipient,
        kind="scheduling.reminder",
        key=message.idempotency_key,
        context=template_variables(context),
        title=message.subject,
        body=message.text,
        link="/schedule/",
        channels=[reminder.channel],
        send_now=True,
        now=now,
    )


def template_variables(context: dict[str, Any]) -> dict[str, str]:
    """A message's context as the plain-text variables of messaging's templates (times on the studio's clock)."""
    with studio_clock():
        return {
            name: studio_time_text(value) if isinstance(value, datetime) else str(value or "")
            for name, value in context.items()
            if name != "person"
        }


def _reminder_message(reminder: AppointmentReminder) -> tuple[Message, dict[str, Any]]:
    if reminder.appointment_id:
        appointment = Appointment.objects.select_related("trainer", "appointment_type").get(pk=reminder.appointment_id)
        what = appointment.appointment_type.name
        starts_at, with_whom = appointment.starts_at, appointment.trainer.full_name
        where = appointment.location or appointment.online_link
    else:
        session = GroupSession.objects.select_related("class_type", "instructor").get(
            pk=reminder.participant.session_id  # type: ignore[union-attr]  # no appointment: a participant (constraint)
        )
        what, starts_at, with_whom, where = (
            session.class_type.name,
            session.starts_at,
            session.instructor.full_name,
            session.room,
        )
    context = {
        "person": reminder.recipient,
        "what": what,
        "with_whom": with_whom,
        "where": where,
        "starts_at": starts_at,
    }
    subject, text = _render("reminder", context)
    schema = getattr(connection, "schema_name", "public")
    message = Message(
        recipient=reminder.recipient, subject=subject, text=text, idempotency_key=f"reminder-{schema}-{reminder.pk}"
    )
    return message, context


def notify_waitlist_promotion(*, participant_id: int) -> bool:
    """Tell a client their waitlist place became a seat (runs after the promotion committed)."""
    return _notify_participant(participant_id, status=SessionParticipant.Status.BOOKED, template="promoted")


def notify_waitlist_skipped(*, participant_id: int, reason: str) -> bool:
    """Tell a waitlisted client a seat opened but went to the next person: they had no pass for it."""
    return _notify_participant(
        participant_id, status=SessionParticipant.Status.WAITLISTED, template="skipped", reason=reason
    )


def _notify_participant(participant_id: int, *, status: str, template: str, **extra: str) -> bool:
    """Email a class participant still in `status` with emails/scheduling/<template>; False if not."""
    from django.db import connection

    participant = (
        SessionParticipant.objects.select_related("client", "session__class_type", "session__instructor")
        .filter(pk=participant_id, status=status)
        .first()
    )
    if participant is None:
        return False
    session = participant.session
    context = {
        "person": participant.client,
        "what": session.class_type.name,
        "with_whom": session.instructor.full_name,
        "where": session.room,
        "starts_at": session.starts_at,
        **extra,
    }
    subject, text = _render(template, context)
    key = f"{template}-{getattr(connection, 'schema_name', 'public')}-{participant.pk}"
    if template == "skipped":
        key = f"{key}-{timezone.now():%Y%m%d%H%M}"
    try:
        notify(
            user=participant.client,
            kind=f"scheduling.{template}",
            key=key,
            title=subject,
            body=text,
            context=template_variables(context),
            link="/schedule/",
            channels=["email"],
            send_now=True,
        )
    except DeliveryError as exc:
        if exc.permanent:  # no consent or no address: the bell has it
            return False
        raise
    return True
