from django.urls import path

from portal.views import branding, calendar, dashboard, handoff, home, invitations, people, scheduling

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("people/", people.people, name="people"),
    path("people/invitations/<int:invitation_id>/resend/", people.invitation_resend, name="invitation_resend"),
    path("people/invitations/<int:invitation_id>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("people/signup-policy/", people.signup_policy, name="signup_policy"),
    path("people/<int:person_id>/role/", people.person_role, name="person_role"),
    path("people/<int:person_id>/active/", people.person_active, name="person_active"),
    path("people/export.csv", people.people_export, name="people_export"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("handoff/<str:token>", handoff.handoff, name="handoff"),
    path("settings/branding/", branding.branding, name="branding"),
    path("manifest.webmanifest", branding.manifest, name="manifest"),
    path("icons/icon-<int:size>.png", branding.icon, name="icon"),
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
