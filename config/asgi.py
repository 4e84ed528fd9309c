"""The ASGI application: HTTP (the same Django views as WSGI) and WebSockets (messaging) from one server.

`uvicorn config.asgi:application` serves both (`make run` does). WebSockets are bound to a studio and a
person by tenants/sockets.py before any consumer runs; their Origin must be a host of the platform.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_asgi_application()  # sets Django up before the imports below load models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from domain.messaging.routing import websocket_urlpatterns  # noqa: E402
from tenants.sockets import StudioSocketMiddleware  # noqa: E402

http_application = ASGIStaticFilesHandler(django_application) if settings.DEBUG else django_application

application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": AllowedHostsOriginValidator(StudioSocketMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
