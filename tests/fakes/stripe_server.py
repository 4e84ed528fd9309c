"""A small stateful fake of Stripe's HTTP API, for tests and for `make run` when no Stripe key is set.

Why our own: localstripe (PyPI) runs here, but it has no Prices, no Checkout Sessions, no Connect
accounts or account links, refuses `application_fee_amount`, and answers with 2017-shaped objects, while
the platform pins a 2026 API version. This fake speaks the subset of the pinned version the platform
uses, at the HTTP boundary, to the real `stripe` library (pointed here by `STRIPE_API_BASE`).

Shape: `FakeStripe` holds every object in memory (`objects`: id -> dict), records who owns it (the
platform, or a connected account named by the `Stripe-Account` header: another account's id answers
404 as Stripe does), and records an event per change (`events`, newest last; `GET /v1/events`).
Endpoints are registered with `@FakeStripe.route(method, pattern)`, so a test module can add one at the
HTTP boundary without touching this file. Time is `time.time()`, so time-machine moves it too;
`run_clock()` then renews subscriptions that are due (see stripe_subscriptions.py).

Run standalone: `python -m tests.fakes.stripe_server --port 12111 --webhook platform=URL,whsec_...`
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_VERSION_DEFAULT = "2026-10-28.endive"

Handler = Callable[..., tuple[int, dict[str, Any]] | dict[str, Any]]


class StripeFakeError(Exception):
    """Answered as Stripe's error body: {"error": {"type", "message", "code", "param"}}."""

    def __init__(self, message: str, *, status: int = 400, code: str = "", type_: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.code, self.type = status, code, type_

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.type, "message": str(self), "code": self.code or None}}


def parse_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`items[0][price]=p`, `metadata[k]=v`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def as_bool(value: Any) -> bool:
    return str(value).lower() == "true"


class FakeStripe:
    """The fake's state and dispatcher; thread-safe (one lock around every request)."""

    routes: list[tuple[str, re.Pattern[str], Handler]] = []

    @classmethod
    def route(cls, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register `handler(fake, params, account, **path_groups)` for `method` and a path regex."""

        def register(handler: Handler) -> Handler:
            cls.routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler

        return register

    def __init__(self, *, api_version: str = API_VERSION_DEFAULT) -> None:
        self.api_version = api_version
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, Any]] = {}
        self.owner: dict[str, str | None] = {}
        self.events: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, str | None, dict[str, Any]]] = []
        self.webhook_endpoints: list[dict[str, Any]] = []
        self.idempotent: dict[tuple[str | None, str], tuple[int, Any]] = {}
        self.base_url = ""
        self._server: ThreadingHTTPServer | None = None

    # --- state ------------------------------------------------------------------------------------
    def now(self) -> int:
        return int(time.time())

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(8)}"

    def add(self, obj: dict[str, Any], *, account: str | None) -> dict[str, Any]:
        obj.setdefault("livemode", False)
        obj.setdefault("created", self.now())
        obj.setdefault("metadata", {})
        self.objects[obj["id"]] = obj
        self.owner[obj["id"]] = account
        return obj

    def get(self, object_id: str, *, account: str | None, kind: str | None = None) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or self.owner.get(object_id) != account or (kind and obj.get("object") != kind):
            raise StripeFakeError(f"No such {kind or 'object'}: '{object_id}'", status=404, code="resource_missing")
        return obj

    def of_kind(self, kind: str, *, account: str | None) -> list[dict[str, Any]]:
        return [o for i, o in self.objects.items() if o.get("object") == kind and self.owner[i] == account]

    def emit(
        self, type_: str, obj: dict[str, Any], *, account: str | None, previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Record an event carrying a snapshot of `obj`, and deliver it to matching webhook endpoints."""
        event: dict[str, Any] = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": self.api_version,
            "created": self.now(),
            "livemode": False,
            "pending_webhooks": 0,
            "type": type_,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        if previous:
            event["data"]["previous_attributes"] = previous
        if account:
            event["account"] = account
        self.events.append(event)
        for endpoint in self.webhook_endpoints:
            if endpoint["connect"] == bool(account):
                threading.Thread(target=self._deliver, args=(endpoint, event), daemon=True).start()
        return event

    def _deliver(self, endpoint: dict[str, Any], event: dict[str, Any]) -> None:
        import stripe

        body = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(body, endpoint["secret"])
        request = urllib.request.Request(  # noqa: S310 (a local test server)
            endpoint["url"], data=body.encode(), method="POST", headers={"Stripe-Signature": header}
        )
        request.add_header("Content-Type", "application/json")
        for _attempt in range(3):
            try:
                urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (a local test server)
                return
            except OSError:
                time.sleep(1)

    def listing(self, items: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
        """Newest first, `limit` and `starting_after` as Stripe pages lists."""
        items = sorted(items, key=lambda o: o.get("created", 0), reverse=True)
        if params.get("starting_after"):
            ids = [o["id"] for o in items]
            if params["starting_after"] in ids:
                items = items[ids.index(params["starting_after"]) + 1 :]
        limit = int(params.get("limit", 10))
        return {"object": "list", "url": url, "data": items[:limit], "has_more": len(items) > limit}

    # --- dispatch -----------------------------------------------------------------------------------
    def dispatch(
        self, method: str, path: str, params: dict[str, Any], account: str | None, idempotency_key: str | None = None
    ) -> tuple[int, Any]:
        with self.lock:
            replay_key = (account, idempotency_key)
            if idempotency_key and replay_key in self.idempotent:  # as Stripe: the first answer, again
                return self.idempotent[replay_key]
            self.requests.append((method, path, account, params))
            answer = self._route(method, path, params, account)
            if idempotency_key and method == "POST" and answer[0] < 500:
                self.idempotent[replay_key] = answer
            return answer

    def _route(self, method: str, path: str, params: dict[str, Any], account: str | None) -> tuple[int, Any]:
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if route_method == method and match:
                try:
                    result = handler(self, params, account, **match.groupdict())
                except StripeFakeError as exc:
                    return exc.status, exc.body()
                return result if isinstance(result, tuple) else (200, result)
        return 404, StripeFakeError(f"Unrecognized request URL ({method}: {path}).").body()

    def requests_to(self, method: str, path: str) -> list[tuple[str | None, dict[str, Any]]]:
        """(account, params) of every request made to `method path`, oldest first: for assertions."""
        return [(acct, params) for m, p, acct, params in self.requests if m == method and p == path]

    # --- serving ------------------------------------------------------------------------------------
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving in a daemon thread; returns the base address (`http://127.0.0.1:<port>`)."""
        fake = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                pairs = parse_qsl(url.query, keep_blank_values=True) + parse_qsl(body, keep_blank_values=True)
                status, payload = fake.dispatch(
                    method,
                    url.path,
                    parse_form(pairs),
                    self.headers.get("Stripe-Account"),
                    self.headers.get("Idempotency-Key"),
                )
                if isinstance(payload, str):  # a hosted page (HTML) or a redirect
                    self._reply(status, payload.encode(), "text/html; charset=utf-8", location=payload)
                else:
                    self._reply(status, json.dumps(payload).encode(), "application/json")

            def _reply(self, status: int, data: bytes, content_type: str, location: str = "") -> None:
                self.send_response(status)
                if status in (302, 303):
                    self.send_header("Location", location)
                    data = b""
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((host, port), RequestHandler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        return self.base_url

    def shutdown(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        """Forget every object and event (tests that need a clean slate)."""
        with self.lock:
            self.objects.clear()
            self.owner.clear()
            self.events.clear()
            self.requests.clear()
            self.idempotent.clear()


def main() -> None:
    # Run as `python -m`, this file is __main__: the routes register on the importable module's class.
    from tests.fakes import stripe_payments, stripe_resources, stripe_subscriptions  # noqa: F401 (register their routes)
    from tests.fakes.stripe_server import FakeStripe

    parser = argparse.ArgumentParser(description="Serve the fake Stripe API.")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook", action="append", default=[], help="platform|connect=URL,SECRET")
    parser.add_argument("--clock-every", type=float, default=5.0, help="seconds between subscription renewals")
    args = parser.parse_args()
    fake = FakeStripe()
    for spec in args.webhook:
        kind, rest = spec.split("=", 1)
        url, secret = rest.rsplit(",", 1)
        fake.webhook_endpoints.append({"url": url, "secret": secret, "connect": kind == "connect"})
    print(f"fake Stripe on {fake.serve(port=args.port)}", flush=True)
    while True:
        time.sleep(args.clock_every)
        with fake.lock:
            stripe_subscriptions.run_clock(fake)


if __name__ == "__main__":
    main()
