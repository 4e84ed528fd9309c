from django.urls import path

from portal.views import branding, dashboard, handoff, home

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("handoff/<str:token>", handoff.handoff, name="handoff"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("settings/branding/", branding.branding, name="branding"),
    path("manifest.webmanifest", branding.manifest, name="manifest"),
    path("icons/icon-<int:size>.png", branding.icon, name="icon"),
]
