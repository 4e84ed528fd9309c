from django.urls import path

from portal.views import branding, dashboard, handoff, home, invitations, people

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
]
