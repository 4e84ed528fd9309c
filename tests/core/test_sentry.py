"""Sentry's real client reports a studio's error, tagged with the studio, to a local fake Sentry."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sentry_sdk
from django.test import Client

from core.observability import sentry_init
from tests.conftest import host_of

pytestmark = pytest.mark.django_db


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK prefers brotli when it is installed (WeasyPrint's fonttools brings it)
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_sentry() -> Iterator[list[bytes]]:
    _Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sentry_init(dsn=f"http://publickey@127.0.0.1:{server.server_port}/1", environment="test")
    yield _Collector.received
    sentry_sdk.get_client().close()
    sentry_sdk.init(dsn=None)
    server.shutdown()


def test_an_error_in_a_studio_request_reaches_sentry_tagged_with_the_studio(fake_sentry, studio, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the squat rack fell over")

    monkeypatch.setattr("portal.views.home.render", broken)
    response = Client(HTTP_HOST=host_of(studio), raise_request_exception=False).get("/")
    assert response.status_code == 500
    sentry_sdk.get_client().flush(timeout=5)
    events = [body for body in fake_sentry if b"the squat rack fell over" in body]
    assert events, "no event reached the fake Sentry"
    assert b'"studio":"alpha"' in events[0]
