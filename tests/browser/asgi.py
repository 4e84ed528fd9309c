"""A real ASGI server for browser tests of live pages: uvicorn in a thread of the test process, serving
config/asgi.py (pages, API and WebSockets; static files too) on a free port, like `live_server_thread`
does for WSGI. The threads it runs views in have their own connections: tests commit what pages need."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from channels.routing import ProtocolTypeRouter
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from tests.servers import free_port


@contextmanager
def live_asgi_server() -> Iterator[int]:
    """Serve the platform over HTTP and WebSockets on 127.0.0.1; yields the port, stops the server after."""
    from config.asgi import application, django_application

    app = ProtocolTypeRouter(
        {"http": ASGIStaticFilesHandler(django_application), "websocket": application.application_mapping["websocket"]}
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, name="live-asgi", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the ASGI server did not start")
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(20)
