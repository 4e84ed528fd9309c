"""URLs of a studio host (`<slug>.<PLATFORM_DOMAIN>`)."""

from django.conf import settings
from django.urls import include, path

from config.api import api
from core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("accounts/", include("core.accounts.urls")),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
