"""Writes to the schedule. Every booking path locks what it races on and lets the database have the last word.

- 1:1 appointments lock the trainer's row (FOR NO KEY UPDATE) so buffer and class checks are exact; the
  exclusion constraint `appointment_no_trainer_overlap` refuses an overlap whatever happens, and that
  refusal is turned into a clean 409.
- Class registrations lock the class row; `seats_taken <= capacity` is a check constraint, and the
  waitlist position is assigned under the same lock, so the order is the order of arrival.
- Reminder rows are written with the booking and cancelled with it, in the same transaction.

One module per sub-area (policy, availability, reminders, appointments, recurrence, classes, feeds; shared
helpers in `_shared`); callers import from this package, which re-exports the public names.
"""

from domain.scheduling.services._shared import Scope, SeriesResult
from domain.scheduling.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_mark_attendance,
    appointment_update,
)
from domain.scheduling.services.availability import (
    APPOINTMENT_TYPE_FIELDS,
    WeeklyHours,
    appointment_type_create,
    appointment_type_update,
    availability_exception_add,
    availability_exception_remove,
    availability_set,
)
from domain.scheduling.services.classes import (
    class_type_create,
    group_session_cancel,
    group_session_create,
    group_session_register,
    group_session_series_create,
    group_session_unregister,
    group_session_update,
    participant_mark_attendance,
)
from domain.scheduling.services.feeds import calendar_feed_revoke, calendar_feed_rotate
from domain.scheduling.services.policy import scheduling_policy_update
from domain.scheduling.services.recurrence import (
    MAX_SERIES_OCCURRENCES,
    RecurrenceRule,
    appointment_series_create,
    occurrence_dates,
    recurrence_extend,
)
from domain.scheduling.services.reminders import (
    REMINDER_MAX_ATTEMPTS,
    ReminderOutcome,
    notify_waitlist_promotion,
    notify_waitlist_skipped,
    reminder_send,
)

__all__ = [
    "APPOINTMENT_TYPE_FIELDS",
    "MAX_SERIES_OCCURRENCES",
    "REMINDER_MAX_ATTEMPTS",
    "RecurrenceRule",
    "ReminderOutcome",
    "Scope",
    "SeriesResult",
    "WeeklyHours",
    "appointment_book",
    "appointment_cancel",
    "appointment_confirm",
    "appointment_mark_attendance",
    "appointment_series_create",
    "appointment_type_create",
    "appointment_type_update",
    "appointment_update",
    "availability_exception_add",
    "availability_exception_remove",
    "availability_set",
    "calendar_feed_revoke",
    "calendar_feed_rotate",
    "class_type_create",
    "group_session_cancel",
    "group_session_create",
    "group_session_register",
    "group_session_series_create",
    "group_session_unregister",
    "group_session_update",
    "notify_waitlist_promotion",
    "notify_waitlist_skipped",
    "occurrence_dates",
    "participant_mark_attendance",
    "recurrence_extend",
    "reminder_send",
    "scheduling_policy_update",
]
