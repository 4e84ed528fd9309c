"""WebSockets on a studio's host: which studio (from the Host header) and who (session or JWT), before any
consumer runs. The HTTP side's StudioRoutingMiddleware, for sockets.

A socket is bound to exactly one studio: its scope carries `studio_schema`, and the person is looked up in
that schema only, so a session cookie or token of studio A proves nothing at studio B (tokens carry their
schema and `access_token_user` checks it; session rows live in the studio's schema). A socket that proves
nobody, on an unknown, suspended or closed studio, or on the public host is refused at the handshake.
The browser's Origin must be a host of the platform (channels' AllowedHostsOriginValidator, config/asgi.py).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.utils.module_loading import import_string

from core.db import tenant_connection
from core.exceptions import ApplicationError
from core.models import User
from core.tokens import access_token_user
from tenants.middleware import is_public_host
from tenants.models import Studio
from tenants.routing import studio_for_host

BEARER_PROTOCOL = "bearer."  # Sec-WebSocket-Protocol: "bearer.<access token>" for clients without cookies


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _token(scope: dict[str, Any]) -> str:
    authorization = _header(scope, b"authorization")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    for protocol in scope.get("subprotocols", []):
        if protocol.startswith(BEARER_PROTOCOL):
            return protocol[len(BEARER_PROTOCOL) :]
    return ""


def _session_user(scope: dict[str, Any]) -> User | None:
    cookies = SimpleCookie()
    cookies.load(_header(scope, b"cookie"))
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return None
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(morsel.value)
    user = get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]  # get_user reads request.session only
    return user if isinstance(user, User) and user.is_active else None


def socket_identity(scope: dict[str, Any]) -> tuple[Studio | None, User | None]:
    """(studio served at the socket's Host, the person proven by its JWT or session cookie), either may be
    None. Leaves the connection on the public schema."""
    host = _header(scope, b"host").rsplit(":", 1)[0].lower()
    if not host or is_public_host(host):
        return None, None
    studio = studio_for_host(host)
    if studio is None or studio.status != Studio.Status.ACTIVE:
        return None, None
    tenant_connection.set_tenant(studio)
    try:
        token = _token(scope)
        if token:
            try:
                return studio, access_token_user(token)
            except ApplicationError:
                return studio, None
        return studio, _session_user(scope)
    finally:
        tenant_connection.set_schema_to_public()


class StudioSocketMiddleware:
    """ASGI middleware for websocket scopes: refuses a socket without a studio and a person; otherwise adds
    `studio_schema`, `studio_id`, `studio_language` (its default language code) and `user` to the scope."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        studio, user = await database_sync_to_async(socket_identity)(scope)
        if studio is None or user is None:
            # Refused at the handshake, before any consumer (or channel layer subscription) exists.
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4401})
            return None
        scope = {
            **scope,
            "studio_schema": studio.schema_name,
            "studio_id": studio.pk,
            "studio_language": studio.locale,
            "user": user,
        }
        return await self.inner(scope, receive, send)
