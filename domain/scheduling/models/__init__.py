"""Scheduling: availability, appointments (1:1 and recurring), group classes, reminders, calendar feeds.

Seed tables: TRAINER_AVAILABILITY, APPOINTMENT, RECURRING_PATTERN, GROUP_SESSION, SESSION_PARTICIPANT,
APPOINTMENT_REMINDER. Times are stored in UTC; availability is stored as local wall-clock times and
interpreted in the studio's zone for each date, so working hours stay put across daylight-saving changes.

The database backs up the services: an exclusion constraint makes two live appointments of one trainer
overlap impossible, a check constraint keeps a class's taken seats within its capacity, and partial
unique constraints keep one live registration per client per class.

One module per sub-area; this package re-exports every model (and the names migrations refer to).
"""

from domain.scheduling.models._base import TsTzRange, default_reminder_channels, default_reminder_offsets
from domain.scheduling.models.appointments import Appointment, RecurrenceConflict, RecurringPattern
from domain.scheduling.models.availability import (
    AppointmentType,
    AvailabilityException,
    SchedulingPolicy,
    TrainerAvailability,
)
from domain.scheduling.models.classes import ClassType, GroupSession, SessionParticipant
from domain.scheduling.models.reminders import AppointmentReminder, CalendarFeed

__all__ = [
    "Appointment",
    "AppointmentReminder",
    "AppointmentType",
    "AvailabilityException",
    "CalendarFeed",
    "ClassType",
    "GroupSession",
    "RecurrenceConflict",
    "RecurringPattern",
    "SchedulingPolicy",
    "SessionParticipant",
    "TrainerAvailability",
    "TsTzRange",
    "default_reminder_channels",
    "default_reminder_offsets",
]
