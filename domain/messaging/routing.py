"""WebSocket routes of messaging (wired by config/asgi.py)."""

from django.urls import path

from domain.messaging.consumers import MessagingConsumer

websocket_urlpatterns = [path("ws/messaging/", MessagingConsumer.as_asgi())]
