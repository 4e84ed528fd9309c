"""iCalendar (RFC 5545) feed of one person's schedule, for Google, Apple and Outlook subscriptions.

Times are the studio's wall clock (`DTSTART;TZID=Europe/Berlin:20261204T234900`) with the zone's
VTIMEZONE, so a calendar shows them right wherever the reader is, across clock changes too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.models import User
from core.studio_time import studio_local, studio_timezone_name
from domain.scheduling import selectors

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 365


def _event(
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    *,
    location: str = "",
    description: str = "",
    cancelled: bool = False,
    stamp: datetime,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", studio_local(start))  # DTSTART;TZID=<the studio's zone>: its wall clock
    event.add("dtend", studio_local(end))
    event.add("dtstamp", stamp)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    return event


def calendar_feed(*, owner: User, studio_name: str, studio_slug: str, now: datetime | None = None) -> bytes:
    """Appointments (cancelled ones marked so, for calendars to remove them) and classes of `owner`."""
    now = now or timezone.now()
    start, end = now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)
    domain = f"{studio_slug}.{settings.PLATFORM_DOMAIN}"
    calendar = Calendar()
    calendar.add("prodid", "-//FitWell Pro//Scheduling//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{studio_name} — {owner.full_name}")
    calendar.add("x-wr-timezone", studio_timezone_name())
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    appointments, places = selectors.calendar_entries(owner=owner, start=start, end=end)
    for appointment in appointments:
        other = appointment.client if appointment.trainer_id == owner.pk else appointment.trainer
        calendar.add_component(
            _event(
                f"appointment-{appointment.pk}@{domain}",
                _("%(type)s with %(person)s") % {"type": appointment.appointment_type.name, "person": other.full_name},
                appointment.starts_at,
                appointment.ends_at,
                location=appointment.location or appointment.online_link,
                description=appointment.notes,
                cancelled=appointment.status == appointment.Status.CANCELLED,
                stamp=appointment.updated_at,
            )
        )
    for session, cancelled in places:
        calendar.add_component(
            _event(
                f"class-{session.pk}-{owner.pk}@{domain}",
                session.class_type.name,
                session.starts_at,
                session.ends_at,
                location=session.room,
                description=session.notes,
                cancelled=cancelled,
                stamp=session.updated_at,
            )
        )
    calendar.add_missing_timezones()  # the VTIMEZONE of the studio's zone, for apps that need it
    return calendar.to_ical()
