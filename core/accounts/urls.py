"""Account pages, the same on every host (`/accounts/...`): allauth's, with our sign-up view."""

from django.urls import include, path

from core.accounts import views

urlpatterns = [
    path("signup/", views.signup, name="account_signup"),
    path("", include("allauth.urls")),
]
