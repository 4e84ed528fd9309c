"""Scheduling's share of a client's export and erasure: appointments, class seats, recurring bookings,
reminders and calendar feeds.

Erasure keeps past appointments and class seats (the studio's attendance history and any charge refer to
them; the person is anonymised), cancels the ones still to come, and clears the free text on all of them.
"""

from __future__ import annotations

from django.utils import timezone

from core.models import User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.scheduling.models import (
    Appointment,
    AppointmentReminder,
    CalendarFeed,
    RecurringPattern,
    SessionParticipant,
)


@export_part("scheduling")
def export(client: User) -> ExportPart:
    return ExportPart(
        data={
            "appointments": rows(Appointment.objects.filter(client=client)),
            "class_bookings": rows(SessionParticipant.objects.filter(client=client)),
            "recurring_bookings": rows(RecurringPattern.objects.filter(client=client)),
            "reminders": rows(AppointmentReminder.objects.filter(recipient=client)),
            "calendar_feeds": rows(CalendarFeed.objects.filter(owner=client), leave_out=["token_digest"]),
        }
    )


@erase_part("scheduling")
def erase(client: User) -> list[str]:
    now = timezone.now()
    Appointment.objects.filter(client=client, status__in=Appointment.LIVE, starts_at__gt=now).update(
        status=Appointment.Status.CANCELLED, cancelled_at=now
    )
    Appointment.objects.filter(client=client).update(notes="", location="", online_link="", cancellation_reason="")
    SessionParticipant.objects.filter(
        client=client,
        status__in=[SessionParticipant.Status.BOOKED, SessionParticipant.Status.WAITLISTED],
        session__starts_at__gt=now,
    ).update(status=SessionParticipant.Status.CANCELLED, cancelled_at=now)
    for model, field in ((AppointmentReminder, "recipient"), (CalendarFeed, "owner"), (RecurringPattern, "client")):
        model.objects.filter(**{field: client}).delete()
    return []
