"""URLs of the public site (the bare PLATFORM_DOMAIN): marketing, sign-up, platform console."""

from django.contrib import admin
from django.urls import include, path

from billing import webhooks as stripe_webhooks
from config.api_public import api as public_api
from core import health
from portal.views.preferences import language_set
from tenants import views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("core.accounts.urls")),
    path("console/", include("tenants.console_urls")),
    path("api/v1/", public_api.urls),
    path("stripe/webhooks/platform", stripe_webhooks.platform_webhook, name="stripe-webhook-platform"),
    path("stripe/webhooks/connect", stripe_webhooks.connect_webhook, name="stripe-webhook-connect"),
    path("language/", language_set, name="set_language"),
    path("signup/", views.signup, name="signup"),
    path("signup/slug-check", views.signup_slug_check, name="signup-slug-check"),
    path("", views.landing, name="landing"),
]
