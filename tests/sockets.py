"""A WebSocket client for in-process tests of the ASGI application (asgiref's ApplicationCommunicator).

channels ships the same as `channels.testing.WebsocketCommunicator`, but that package also imports its live
server test case, which needs daphne (and Twisted) that nothing else here uses.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from asgiref.testing import ApplicationCommunicator
from django.db import connections

T = TypeVar("T")


class SocketClient(ApplicationCommunicator):
    def __init__(
        self, application: Any, path: str, headers: list[tuple[bytes, bytes]], subprotocols: list[str] | None = None
    ) -> None:
        scope = {
            "type": "websocket", "path": path, "raw_path": path.encode(), "query_string": b"", "headers": headers,
            "subprotocols": subprotocols or [], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5) -> tuple[bool, Any]:
        """(accepted, subprotocol or close code)."""
        await self.send_input({"type": "websocket.connect"})
        answer = await self.receive_output(timeout)
        if answer["type"] == "websocket.close":
            return False, answer.get("code", 1000)
        return True, answer.get("subprotocol")

    async def send_json_to(self, data: Any) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 5) -> Any:
        answer = await self.receive_output(timeout)
        assert answer["type"] == "websocket.send", answer
        return json.loads(answer["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def run_apart(scenario: Callable[[], Coroutine[Any, Any, T]], timeout: float = 60) -> T:
    """Run an async test scenario on an event loop in a thread of its own: the consumer's database calls
    (database_sync_to_async) then use their own connections, never the test's transaction."""
    outcome: list[Any] = []

    def main() -> None:
        try:
            outcome.append(asyncio.run(scenario()))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    thread.join(timeout)
    assert outcome, "the socket scenario did not finish"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
