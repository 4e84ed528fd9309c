from django.urls import path

from portal.views import dashboard, handoff, home

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("handoff/<str:token>", handoff.handoff, name="handoff"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
