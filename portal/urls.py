from django.urls import path

from portal.views import branding, clients, dashboard, handoff, home, invitations, library, people, programs

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("people/", people.people, name="people"),
    path("people/invitations/<int:invitation_id>/resend/", people.invitation_resend, name="invitation_resend"),
    path("people/invitations/<int:invitation_id>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("people/signup-policy/", people.signup_policy, name="signup_policy"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("handoff/<str:token>", handoff.handoff, name="handoff"),
    path("settings/branding/", branding.branding, name="branding"),
    path("manifest.webmanifest", branding.manifest, name="manifest"),
    path("icons/icon-<int:size>.png", branding.icon, name="icon"),
    # --- clients, library, programs (issue 4)
    path("clients/", clients.client_list, name="client_list"),
    path("clients/<int:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<int:client_id>/profile/", clients.client_profile, name="client_profile"),
    path("clients/<int:client_id>/health/", clients.client_health, name="client_health"),
    path("clients/<int:client_id>/goals/", clients.client_goal_add, name="client_goal_add"),
    path("clients/<int:client_id>/assessments/", clients.client_assessment_add, name="client_assessment_add"),
    path("clients/<int:client_id>/contacts/", clients.client_contact_add, name="client_contact_add"),
    path("clients/<int:client_id>/archive/", clients.client_archive, name="client_archive"),
    path("clients/<int:client_id>/restore/", clients.client_restore, name="client_restore"),
    path("library/", library.exercise_list, name="exercise_list"),
    path("library/add/", library.exercise_add, name="exercise_add"),
    path("library/<int:exercise_id>/", library.exercise_detail, name="exercise_detail"),
    path("library/<int:exercise_id>/edit/", library.exercise_edit, name="exercise_edit"),
    path("library/<int:exercise_id>/copy/", library.exercise_copy, name="exercise_copy"),
    path("library/<int:exercise_id>/visibility/", library.exercise_visibility, name="exercise_visibility"),
    path("templates/", programs.template_list, name="template_list"),
    path("templates/<int:template_id>/", programs.template_builder, name="template_builder"),
    path("templates/<int:template_id>/copy/", programs.template_copy, name="template_copy"),
    path("templates/<int:template_id>/assign/", programs.template_assign, name="template_assign"),
    path("programs/<int:program_id>/", programs.program_detail, name="program_detail"),
    path("programs/<int:program_id>/progress/", programs.program_progress, name="program_progress"),
    path("programs/<int:program_id>/rules/", programs.program_rule, name="program_rule"),
    path(
        "programs/<int:program_id>/rules/<int:rule_id>/delete/",
        programs.program_rule_delete,
        name="program_rule_delete",
    ),
    path("me/program/", programs.my_program, name="my_program"),
    path("me/today/", programs.today, name="today"),
]
