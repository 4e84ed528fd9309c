"""The messaging socket: `/ws/messaging/` on a studio's host (config/asgi.py).

By the time this runs, tenants/sockets.py has bound the socket to one studio (`scope["studio_schema"]`)
and proven who is connecting (`scope["user"]`); without a person the handshake is refused. The socket joins
one group, that person's in that studio (domain/messaging/realtime.py), and receives every event the
services publish for them: `message.new`, `message.changed`, `read`, `typing`, `thread.created`,
`notification`. It sends two kinds itself: `{"type": "typing", "thread": id}` and
`{"type": "read", "thread": id, "message": id}`; anything else is answered with an error event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import schema_context

from core.exceptions import ApplicationError
from domain.messaging import services
from domain.messaging.realtime import person_group

APP_PROTOCOL = "fitwell"  # offered with "bearer.<token>" by clients that cannot send cookies


def _in_studio(schema: str, call: Callable[[], Any]) -> Any:
    with schema_context(schema):
        return call()


class MessagingConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user, schema = self.scope.get("user"), self.scope.get("studio_schema")
        if user is None or schema is None:
            await self.close(code=4401)
            return
        self.group = person_group(schema, user.pk)
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
            await self.send_json({"type": "error", "detail": "expected a JSON object {type, thread}"})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        thread = content.get("thread") if isinstance(content, dict) else None
        if not isinstance(thread, int) or isinstance(thread, bool):  # True is an int to Python, not an id
            await self.send_json({"type": "error", "detail": "expected {type, thread}"})
            return
        user, schema, thread_id = self.scope["user"], self.scope["studio_schema"], content["thread"]
        if content.get("type") == "typing":
            call: Callable[[], Any] = lambda: services.thread_typing(actor=user, thread_id=thread_id)  # noqa: E731
        elif content.get("type") == "read":
            up_to = content.get("message") if isinstance(content.get("message"), int) else None
            call = lambda: services.thread_mark_read(actor=user, thread_id=thread_id, up_to_message_id=up_to)  # noqa: E731
        else:
            await self.send_json({"type": "error", "detail": "unknown type"})
            return
        try:
            await database_sync_to_async(_in_studio)(schema, call)
        except ApplicationError as exc:
            await self.send_json({"type": "error", "detail": exc.message, "code": exc.code})

    async def fitwell_event(self, message: dict[str, Any]) -> None:
        """An event published for this person (channel layer type `fitwell.event`)."""
        await self.send_json(message["event"])
