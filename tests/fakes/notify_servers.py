"""Fakes of the outside services notifications go to, at their HTTP boundary, for the real client libraries.

`FakePushService`: a Web Push service (RFC 8030). It checks the VAPID header (RFC 8292: `vapid t=<JWT>,
k=<public key>`, the JWT signed by that key, for this origin) and decrypts the aes128gcm body (RFC 8291)
with the keys of the browser it made (`subscribe()`), so a test sees exactly what a phone would show. An
endpoint marked `gone` answers 410, one marked `failing` 503.

`FakeSms`: a Twilio-style Messages API (`POST /2010-04-01/Accounts/<sid>/Messages.json`, form fields,
HTTP basic auth). Numbers in `invalid` answer 400 (Twilio's 21211), in `failing` 503.
Both record what they accepted in `received` and run on a free port in a thread of the test process.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from domain.notifications.push import vapid_keys as vapid_keys  # the keys the platform makes


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscribed browser: its ECDH key pair and auth secret (what pushManager.subscribe makes)."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)


@dataclass
class FakeService:
    port: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    failing: set[str] = field(default_factory=set)
    invalid: set[str] = field(default_factory=set)
    browsers: dict[str, Browser] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self) -> Browser:
        name = b64url(os.urandom(9))
        browser = Browser(f"{self.base}/push/{name}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        self.browsers[name] = browser
        return browser


def _push(service: FakeService, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, bytes]:
    name = handler.path.rsplit("/", 1)[-1]
    browser = service.browsers.get(name)
    if browser is None or name in service.gone:
        return 410, b"subscription gone"
    if name in service.failing:
        return 503, b"try later"
    scheme, _, params = handler.headers.get("Authorization", "").partition(" ")
    values = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values.get("k", "")))
    claims = jwt.decode(values.get("t", ""), public, algorithms=["ES256"], audience=service.base)
    assert scheme == "vapid", scheme
    assert claims["sub"].startswith("mailto:"), claims
    assert handler.headers.get("Content-Encoding") == "aes128gcm"
    plain = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm")
    service.received.append(
        {"endpoint": name, "ttl": handler.headers.get("TTL"), "topic": handler.headers.get("Topic"),
         "payload": json.loads(plain)}
    )  # fmt: skip
    return 201, b""


def _sms(service: FakeService, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, bytes]:
    form = dict(parse_qsl(body.decode()))
    sid = handler.path.split("/")[3] if handler.path.count("/") >= 4 else ""
    user, _, token = (
        base64.b64decode(handler.headers.get("Authorization", "Basic ").split(" ", 1)[1] or b"").decode().partition(":")
    )
    if user != sid or not token:
        return 401, json.dumps({"code": 20003, "message": "Authenticate"}).encode()
    if form.get("To") in service.invalid:
        return 400, json.dumps({"code": 21211, "message": "Invalid 'To' Phone Number"}).encode()
    if form.get("To") in service.failing:
        return 503, b"{}"
    service.received.append({**form, "idempotency": handler.headers.get("I-Twilio-Idempotency-Token")})
    return 201, json.dumps({"sid": f"SM{len(service.received):032d}", "status": "queued"}).encode()


@contextmanager
def fake_service(kind: str) -> Iterator[FakeService]:
    """`fake_service("push")` or `fake_service("sms")`, serving on 127.0.0.1 until the block ends."""
    service = FakeService()
    answer = _push if kind == "push" else _sms

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                status, content = answer(service, self, body)
            except Exception as exc:  # noqa: BLE001 - a malformed request is the caller's bug: say so
                status, content = 400, str(exc).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
