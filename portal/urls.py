from django.urls import path

from portal.views import calendar, home, scheduling

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # scheduling
    path("schedule/", scheduling.schedule, name="schedule"),
    path("schedule/week/", scheduling.week, name="schedule_week"),
    path("schedule/availability/", scheduling.availability, name="schedule_availability"),
    path("schedule/availability/exceptions/", scheduling.availability_exception_add, name="availability_exception_add"),
    path(
        "schedule/availability/exceptions/<int:exception_id>/remove/",
        scheduling.availability_exception_remove,
        name="availability_exception_remove",
    ),
    path("schedule/book/", scheduling.book, name="book"),
    path("schedule/book/slot/", scheduling.book_slot, name="book_slot"),
    path(
        "schedule/appointments/<int:appointment_id>/confirm/",
        scheduling.appointment_confirm,
        name="appointment_confirm",
    ),
    path(
        "schedule/appointments/<int:appointment_id>/cancel/", scheduling.appointment_cancel, name="appointment_cancel"
    ),
    path(
        "schedule/appointments/<int:appointment_id>/attendance/",
        scheduling.appointment_attendance,
        name="appointment_attendance",
    ),
    path("schedule/classes/", scheduling.classes, name="classes"),
    path("schedule/classes/<int:session_id>/register/", scheduling.class_register, name="class_register"),
    path("schedule/classes/<int:session_id>/cancel/", scheduling.class_unregister, name="class_unregister"),
    path("schedule/bookings/", scheduling.my_bookings, name="my_bookings"),
    path("schedule/calendar-link/", scheduling.calendar_feed_new, name="calendar_feed_new"),
    path("schedule/calendar-link/revoke/", scheduling.calendar_feed_revoke, name="calendar_feed_revoke"),
]
