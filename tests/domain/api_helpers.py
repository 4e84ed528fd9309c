"""Small helpers for JSON API tests of the clients / library / programs areas."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def send(client: Client, method: str, url: str, body: Any = None):
    """A JSON request; returns (status, parsed body or None)."""
    response = getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )
    return response.status_code, (response.json() if response.content else None)
