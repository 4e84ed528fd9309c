from django.urls import path

from portal.views import calendar, home

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
