"""Sign Stripe events exactly as Stripe does (the library's v1 scheme) and post them over HTTP."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import stripe
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.fakes.stripe_server import FakeStripe


def secret_for(endpoint: str) -> str:
    return settings.STRIPE_CONNECT_WEBHOOK_SECRET if endpoint == "connect" else settings.STRIPE_WEBHOOK_SECRET


def signed(event: dict[str, Any], *, secret: str, timestamp: int | None = None) -> tuple[str, str]:
    """(body, Stripe-Signature header) for an event; `timestamp` defaults to now (the pinned clock)."""
    body = json.dumps(event)
    return body, stripe.WebhookSignature.generate_signature_header(body, secret, timestamp or int(time.time()))


def webhook_post(
    client: Client,
    event: dict[str, Any],
    *,
    endpoint: str | None = None,
    secret: str | None = None,
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    """POST one event to our webhook endpoint through Django's test client (public host), signed.

    endpoint: "platform" or "connect" (default: "connect" when the event names an account).
    """
    endpoint = endpoint or ("connect" if event.get("account") else "platform")
    body, header = signed(event, secret=secret or secret_for(endpoint), timestamp=timestamp)
    return client.post(
        reverse(f"stripe-webhook-{endpoint}", urlconf="config.urls_public"),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature if signature is not None else header,
    )


def webhook_post_url(url: str, event: dict[str, Any], *, secret: str, host: str) -> tuple[int, bytes]:
    """POST a signed event over a real socket (a live server); returns (status, body)."""
    body, header = signed(event, secret=secret)
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        url,
        data=body.encode(),
        method="POST",
        headers={"Stripe-Signature": header, "Content-Type": "application/json", "Host": host},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a local test server)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def events_since(fake: FakeStripe, mark: int, *, types: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The events the fake recorded after `mark` (= len(fake.events) taken earlier), oldest first."""
    return [e for e in fake.events[mark:] if not types or e["type"] in types]


def deliver_since(client: Client, fake: FakeStripe, mark: int, *, types: tuple[str, ...] = ()) -> list[Any]:
    """Deliver what Stripe would have sent since `mark`, in order, each signed; returns the responses."""
    return [webhook_post(client, event) for event in events_since(fake, mark, types=types)]
