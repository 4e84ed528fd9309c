"""URLs of a studio host (`<slug>.<PLATFORM_DOMAIN>`)."""

from django.conf import settings
from django.urls import include, path

from config.api import api
from core import health
from portal.views import analytics, calendar, preferences, privacy

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("accounts/", include("core.accounts.urls")),
    # Outside any namespace: the scheduling API hands out this link, and no app names another app's URLs.
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Outside any namespace: base.html's language switcher posts here on studio and public hosts alike.
    path("language/", preferences.language_set, name="set_language"),
    # Outside any namespace: privacy's emails (built in a task) link here.
    path("privacy/exports/<str:token>/", privacy.export_download, name="data_export_download"),
    # Outside any namespace: analytics' at-risk notices link here.
    path("attention/", analytics.attention, name="attention"),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    # Development only (production media come from the bucket or the web server): serve the studio's
    # public branding files; private media such as progress photos go through their authorised views.
    from portal.views.branding import branding_media_route

    urlpatterns.append(branding_media_route())
