"""The messaging socket: `/ws/messaging/` on a studio's host (config/asgi.py).

By the time this runs, tenants/sockets.py has bound the socket to one studio (`scope["studio_schema"]`)
and proven who is connecting (`scope["user"]`); without a person the handshake is refused. The socket joins
one group, that person's in that studio (domain/messaging/realtime.py), and receives every event the
services publish for them: `message.new`, `message.changed`, `read`, `typing`, `thread.created`,
`notification`. It sends two kinds itself: `{"type": "typing", "thread": id}` and
`{"type": "read", "thread": id, "message": id}`; anything else is answered with an error event
`{"type": "error", "detail": text[, "code": ErrorCode]}`, its text in the person's language (their account
preferences, else the studio's), as are the services' refusals.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from core.exceptions import ApplicationError
from core.preferences import preferences_of, supported_language
from domain.messaging import services
from domain.messaging.realtime import person_group

APP_PROTOCOL = "fitwell"  # offered with "bearer.<token>" by clients that cannot send cookies


NOT_JSON = _("Expected a JSON object {type, thread}.")
NO_THREAD = _("Expected {type, thread}.")
UNKNOWN_TYPE = _("Unknown type.")


def _in_studio(schema: str, call: Callable[[], Any], language: str | None = None) -> Any:
    """`call()` in the studio's schema, speaking `language` (a service's refusal is worded at the raise)."""
    with schema_context(schema), translation.override(language):
        return call()


class MessagingConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    language: str = settings.LANGUAGE_CODE

    async def connect(self) -> None:
        user, schema = self.scope.get("user"), self.scope.get("studio_schema")
        if user is None or schema is None:
            await self.close(code=4401)
            return
        self.group = person_group(schema, user.pk)
        personal = await database_sync_to_async(_in_studio)(schema, lambda: preferences_of(user).language)
        studio_language = self.scope.get("studio_language")
        self.language = supported_language(personal) or supported_language(studio_language) or settings.LANGUAGE_CODE
        await self.channel_layer.group_add(self.group, self.channel_name)
        offered = self.scope.get("subprotocols") or []
        await self.accept(subprotocol=APP_PROTOCOL if APP_PROTOCOL in offered else None)
        await self.send_json({"type": "hello", "user": user.pk})

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """A frame that is not a JSON text (binary, or text that does not parse) is answered with an error
        event; the socket stays open (channels' own `receive` would raise and drop it)."""
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if content is None:
            await self._error(NOT_JSON)
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        thread = content.get("thread") if isinstance(content, dict) else None
        if not isinstance(thread, int) or isinstance(thread, bool):  # True is an int to Python, not an id
            await self._error(NO_THREAD)
            return
        user, schema, thread_id = self.scope["user"], self.scope["studio_schema"], content["thread"]
        if content.get("type") == "typing":
            call: Callable[[], Any] = lambda: services.thread_typing(actor=user, thread_id=thread_id)  # noqa: E731
        elif content.get("type") == "read":
            up_to = content.get("message") if isinstance(content.get("message"), int) else None
            call = lambda: services.thread_mark_read(actor=user, thread_id=thread_id, up_to_message_id=up_to)  # noqa: E731
        else:
            await self._error(UNKNOWN_TYPE)
            return
        try:
            await database_sync_to_async(_in_studio)(schema, call, self.language)
        except ApplicationError as exc:
            await self.send_json({"type": "error", "detail": exc.message, "code": exc.code})

    async def _error(self, message: Promise) -> None:
        """An error event worded in the person's language."""
        with translation.override(self.language):
            detail = str(message)
        await self.send_json({"type": "error", "detail": detail})

    async def fitwell_event(self, message: dict[str, Any]) -> None:
        """An event published for this person (channel layer type `fitwell.event`)."""
        await self.send_json(message["event"])
